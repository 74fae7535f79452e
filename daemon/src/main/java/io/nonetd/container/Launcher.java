package io.nonetd.container;

import io.nonetd.cgroup.SessionCgroup;
import io.nonetd.config.ServiceConfig;
import io.nonetd.log.Log;
import io.nonetd.net.Peer;
import io.nonetd.os.Child;
import io.nonetd.os.Fd;
import io.nonetd.os.HandoffChannel;
import io.nonetd.os.OsException;
import io.nonetd.os.Pipe;
import io.nonetd.os.Spawner;
import io.nonetd.os.Spawner.Placement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Starts containers: cold, for an accepted connection, or warm, to wait in the pool, and hands a
 * connection to a warm one. Called on the daemon's loop thread. nspawn's fd table is exactly:
 * /dev/null, a pipe for output (stdout and stderr) and fd 3, which is the connection (cold) or
 * the container's end of its handoff socket (warm); or, for images without a shell and without
 * the helper, the connection as stdin and stdout and the pipe as stderr. Nothing else.
 */
public final class Launcher {
    private final Host host;
    private final Helper helper;
    private final UidRanges uids;

    /** {@code helper} and {@code uids} may be null: no fast spawn and no pool; nspawn picks uid ranges. */
    public Launcher(Host host, Helper helper, UidRanges uids) {
        this.host = host;
        this.helper = helper;
        this.uids = uids;
    }

    public boolean canPool() {
        return helper != null;
    }

    /** Whether sessions of {@code config} get the precompiled filter instead of nspawn's. */
    public boolean precompiled(ServiceConfig config) {
        return NspawnCommand.precompiled(config.container(), new NspawnCommand.Mode(helper, false, null));
    }

    /**
     * Spawns nspawn for {@code conn}. The caller keeps ownership of {@code conn} and must close
     * it right after, so that the client sees EOF as soon as the service closes its end.
     */
    public Session launch(String id, ServiceConfig config, Peer peer, Fd conn) throws OsException {
        Started s = start(id, config, peer, conn, false);
        return new Session(id, config, peer, s.machine, s.child, s.output, s.cgroup, s.uidBase, null);
    }

    /** Starts a container that waits for its connection (see {@link Warm}). */
    public Warm prepare(String id, ServiceConfig config) throws OsException {
        if (helper == null) throw new IllegalStateException("no nonetd-helper: no warm pool");
        HandoffChannel.Pair pair = HandoffChannel.open();
        try (Fd theirs = pair.theirs()) {
            Started s = start(id, config, null, theirs, true);
            return new Warm(id, config, s.machine, s.child, s.output, s.cgroup, s.uidBase, pair.ours());
        } catch (OsException | RuntimeException e) {
            pair.ours().close();
            throw e;
        }
    }

    /**
     * Gives {@code conn} and the peer's environment to a warm container, which becomes the
     * session. The caller keeps ownership of {@code conn} and closes it right after. The session
     * keeps the handoff socket until the helper closes its end (end of file): closing ours while
     * the helper's "ready" byte is unread would make the kernel reset the helper's end
     * (ECONNRESET) before it reads the connection.
     */
    public Session handoff(Warm w, Peer peer, Fd conn) throws OsException {
        StringBuilder env = new StringBuilder();
        for (Map.Entry<String, String> e : peer.environment().entrySet()) env.append(e.getKey()).append('=').append(e.getValue()).append('\0');
        HandoffChannel.send(w.channel(), conn, env.toString().getBytes(StandardCharsets.UTF_8));
        return new Session(w.id(), w.config(), peer, w.machine(), w.child(), w.output(), w.cgroup(), w.uidBase(), w.channel());
    }

    /**
     * Everything a session or warm container held, once its processes are all gone: its cgroups,
     * its uid range, and the machine directory a killed nspawn leaves behind. Logs what fails.
     */
    public void cleanUp(String tag, String machine, SessionCgroup cgroup, long uidBase) {
        if (cgroup != null && !cgroup.remove()) Log.warning(tag + " Failed to remove the container's cgroups, ignoring");
        release(uidBase);
        Path dir = Host.propagateDir(machine);
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            Log.warning(tag + " Failed to remove '" + dir + "': " + e.getMessage() + ", ignoring");
        }
    }

    private void release(long uidBase) {
        if (uids != null && uidBase >= 0) uids.release(uidBase);
    }

    /** Counts the uid range of a session an earlier daemon left running as taken. */
    public void claim(long uidBase) {
        if (uids != null && uidBase >= 0) uids.claim(uidBase);
    }

    private record Started(String machine, Child child, Fd output, SessionCgroup cgroup, long uidBase) {}

    private Started start(String id, ServiceConfig config, Peer peer, Fd fd3, boolean warm) throws OsException {
        String machine = SessionId.machineName(config.name(), id);
        SessionCgroup cgroup = null;
        if (host.cgroups() != null) {
            try {
                cgroup = SessionCgroup.create(host.cgroups(), id, config.limits());
            } catch (java.io.IOException e) {
                throw new OsException("create the session's cgroups", 0, e.getMessage());
            }
        }
        long uidBase = "pick".equals(config.container().effectivePrivateUsers()) && uids != null ? uids.allocate() : -1;
        NspawnCommand.Mode mode = new NspawnCommand.Mode(helper, warm, uidBase < 0 ? null : UidRanges.argument(uidBase));
        try {
            NspawnCommand.Launch launch = NspawnCommand.build(config, id, machine, peer, host,
                    cgroup == null ? List.of() : cgroup.procsFiles().stream().map(Object::toString).toList(), mode);
            Pipe output = Pipe.open();
            try (Fd writeEnd = output.writeEnd()) {
                List<Placement> fds = launch.connectionOnStdio()
                        ? List.of(Placement.of(0, fd3), Placement.of(1, fd3), Placement.of(2, writeEnd))
                        : List.of(Placement.devNull(0, false), Placement.of(1, writeEnd), Placement.of(2, writeEnd), Placement.of(3, fd3));
                int pid = Spawner.spawn(launch.path(), launch.argv(), launch.env(), fds);
                Child child;
                try {
                    child = Child.adopt(pid);
                } catch (OsException e) {
                    Child.killAndWait(pid);
                    throw e;
                }
                return new Started(machine, child, output.readEnd(), cgroup, uidBase);
            } catch (OsException | RuntimeException e) {
                output.readEnd().close();
                throw e;
            }
        } catch (OsException | RuntimeException e) {
            if (cgroup != null) cgroup.remove();
            release(uidBase);
            throw e;
        }
    }
}
