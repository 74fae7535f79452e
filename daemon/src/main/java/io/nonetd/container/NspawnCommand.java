package io.nonetd.container;

import io.nonetd.config.ServiceConfig;
import io.nonetd.net.Peer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the systemd-nspawn command line for one session. Pure: values in, argv out, so every
 * flag is unit-tested without root.
 */
public final class NspawnCommand {
    /**
     * What to spawn: an absolute path, its argv, its complete environment, and where the
     * connection goes in nspawn's fd table: fd 3 (forwarded with LISTEN_FDS, nspawn keeps no
     * copy) or, for images without a shell, nspawn's own stdin and stdout.
     */
    public record Launch(String path, List<String> argv, List<String> env, boolean connectionOnStdio) {}

    static final String PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** Sets LISTEN_PID to the pid that is about to exec nspawn, as sd_listen_fds requires. */
    static final String LISTEN_PID_SHIM = "LISTEN_PID=$$; export LISTEN_PID; exec \"$0\" \"$@\"";
    /**
     * Runs inside the container for Handoff=stdio: moves the forwarded fd 3 to stdin and stdout.
     * nspawn would otherwise hold the connection as its own stdio until the container is gone,
     * and the client would not see EOF when the service closes its end.
     */
    static final String STDIO_SHIM = "unset LISTEN_FDS LISTEN_PID LISTEN_FDNAMES; exec \"$@\" <&3 >&3 3>&-";

    private NspawnCommand() {}

    public static Launch build(ServiceConfig config, String id, String machine, Peer peer, Host host) {
        List<String> nspawn = new ArrayList<>();
        nspawn.add(host.nspawn());
        nspawn.add("--quiet");
        nspawn.add("--private-network");             // only lo inside
        nspawn.add("--drop-capability=CAP_NET_ADMIN"); // --private-network leaves it, and lo could be reconfigured
        nspawn.add("--no-new-privileges=yes");         // no setuid or file-capability gains inside
        nspawn.add("--machine=" + machine);
        if (!host.systemdBooted()) {
            // No system bus: nspawn can neither register with machined nor create a scope.
            nspawn.add("--register=no");
            nspawn.add("--keep-unit");
        }
        image(config.container(), nspawn);
        nspawn.add("--console=pipe");                // our fds go straight to the payload, no pty
        nspawn.add("--resolv-conf=off");             // no host resolver config: there is no network to resolve on
        nspawn.add("--link-journal=no");
        for (Map.Entry<String, String> e : peer.environment().entrySet()) nspawn.add("--setenv=" + e.getKey() + "=" + e.getValue());
        nspawn.add("--setenv=NONETD_SESSION=" + id);
        boolean stdio = config.service().handoff() == ServiceConfig.Handoff.STDIO;
        if (!stdio) {
            nspawn.add("--setenv=LISTEN_FDNAMES=connection"); // nspawn drops LISTEN_FDNAMES (systemd issue 43764)
        }
        config.service().environment().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> nspawn.add("--setenv=" + e.getKey() + "=" + e.getValue()));
        nspawn.add("--");
        if (stdio && !config.container().hasShell()) {
            nspawn.addAll(config.service().execStart());
            return new Launch(host.nspawn(), nspawn, List.of(PATH), true);
        }
        if (stdio) nspawn.addAll(List.of("/bin/sh", "-c", STDIO_SHIM, "nonetd-stdio"));
        nspawn.addAll(config.service().execStart());
        // nspawn forwards fd 3 only when LISTEN_FDS=1 and LISTEN_PID is nspawn's own pid.
        List<String> argv = new ArrayList<>(List.of(host.shell(), "-c", LISTEN_PID_SHIM));
        argv.addAll(nspawn);
        return new Launch(host.shell(), argv, List.of(PATH, "LISTEN_FDS=1"), false);
    }

    private static void image(ServiceConfig.Container c, List<String> argv) {
        if (c.embedded()) {
            argv.add("--directory=/");
            argv.add("--volatile=yes"); // fresh tmpfs root, host /usr read-only; never the host's /etc
        } else {
            argv.add("--directory=" + c.directory());
            if (!c.volatileMode().equals("no")) argv.add("--volatile=" + c.volatileMode());
        }
        if (c.readOnly()) argv.add("--read-only");
        if (c.privateUsers() != null) argv.add("--private-users=" + c.privateUsers());
        for (ServiceConfig.Bind b : c.binds()) {
            argv.add((b.readOnly() ? "--bind-ro=" : "--bind=") + b.source() + (b.target().equals(b.source()) ? "" : ":" + b.target()));
        }
    }
}
