package io.nonetd.container;

import io.nonetd.cgroup.SessionCgroup;
import io.nonetd.config.ServiceConfig;
import io.nonetd.net.Peer;
import io.nonetd.os.Child;
import io.nonetd.os.Fd;
import io.nonetd.os.OsException;
import io.nonetd.os.Pipe;
import io.nonetd.os.Spawner;
import io.nonetd.os.Spawner.Placement;
import java.util.List;

/**
 * Starts the container for one accepted connection. Called on the daemon's loop thread.
 * nspawn's fd table is exactly: /dev/null, a pipe for output (stdout and stderr) and the
 * connection as fd 3; or, for images without a shell, the connection as stdin and stdout and
 * the pipe as stderr. Nothing else.
 */
public final class Launcher {
    private final Host host;

    public Launcher(Host host) {
        this.host = host;
    }

    /**
     * Spawns nspawn for {@code conn}. The caller keeps ownership of {@code conn} and must close
     * it right after, so that the client sees EOF as soon as the service closes its end.
     */
    public Session launch(String id, ServiceConfig config, Peer peer, Fd conn) throws OsException {
        String machine = SessionId.machineName(config.name(), id);
        SessionCgroup cgroup = null;
        if (host.cgroups() != null) {
            try {
                cgroup = SessionCgroup.create(host.cgroups(), id, config.limits());
            } catch (java.io.IOException e) {
                throw new OsException("create the session's cgroups", 0, e.getMessage());
            }
        }
        NspawnCommand.Launch launch = NspawnCommand.build(config, id, machine, peer, host,
                cgroup == null ? List.of() : cgroup.procsFiles().stream().map(Object::toString).toList());
        try {
            return spawn(id, config, peer, conn, machine, launch, cgroup);
        } catch (OsException | RuntimeException e) {
            if (cgroup != null) cgroup.remove();
            throw e;
        }
    }

    private Session spawn(String id, ServiceConfig config, Peer peer, Fd conn, String machine, NspawnCommand.Launch launch,
                          SessionCgroup cgroup) throws OsException {
        Pipe output = Pipe.open();
        try (Fd writeEnd = output.writeEnd()) {
            List<Placement> fds = launch.connectionOnStdio()
                    ? List.of(Placement.of(0, conn), Placement.of(1, conn), Placement.of(2, writeEnd))
                    : List.of(Placement.devNull(0, false), Placement.of(1, writeEnd), Placement.of(2, writeEnd), Placement.of(3, conn));
            int pid = Spawner.spawn(launch.path(), launch.argv(), launch.env(), fds);
            Child child;
            try {
                child = Child.adopt(pid);
            } catch (OsException e) {
                Child.killAndWait(pid);
                throw e;
            }
            return new Session(id, config, peer, machine, child, output.readEnd(), cgroup);
        } catch (OsException | RuntimeException e) {
            output.readEnd().close();
            throw e;
        }
    }
}
