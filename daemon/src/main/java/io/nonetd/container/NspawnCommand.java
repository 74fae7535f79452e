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
    /** What to spawn: an absolute path, its argv, and its complete environment. */
    public record Launch(String path, List<String> argv, List<String> env) {}

    static final String PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** Sets LISTEN_PID to the pid that is about to exec nspawn, as sd_listen_fds requires. */
    static final String LISTEN_PID_SHIM = "LISTEN_PID=$$; export LISTEN_PID; exec \"$0\" \"$@\"";

    private NspawnCommand() {}

    public static Launch build(ServiceConfig config, String id, String machine, Peer peer, Host host) {
        List<String> nspawn = new ArrayList<>();
        nspawn.add(host.nspawn());
        nspawn.add("--quiet");
        nspawn.add("--private-network");             // only lo inside
        nspawn.add("--drop-capability=CAP_NET_ADMIN"); // --private-network leaves it, and lo could be reconfigured
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
        if (config.service().handoff() == ServiceConfig.Handoff.LISTEN_FDS) {
            nspawn.add("--setenv=LISTEN_FDNAMES=connection"); // nspawn drops LISTEN_FDNAMES (systemd issue 43764)
        }
        config.service().environment().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> nspawn.add("--setenv=" + e.getKey() + "=" + e.getValue()));
        nspawn.add("--");
        nspawn.addAll(config.service().execStart());

        if (config.service().handoff() == ServiceConfig.Handoff.STDIO) {
            return new Launch(host.nspawn(), nspawn, List.of(PATH));
        }
        // nspawn forwards fd 3 only when LISTEN_FDS=1 and LISTEN_PID is nspawn's own pid.
        List<String> argv = new ArrayList<>(List.of(host.shell(), "-c", LISTEN_PID_SHIM));
        argv.addAll(nspawn);
        return new Launch(host.shell(), argv, List.of(PATH, "LISTEN_FDS=1"));
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
