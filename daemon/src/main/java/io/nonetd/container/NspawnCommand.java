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
    /**
     * nspawn's default set is made for booting an OS. A service keeps only chown, dac_override,
     * fowner, fsetid, kill, setuid, setgid, net_bind_service and sys_chroot, all confined by the
     * container's namespaces. Dropped: network and raw sockets (net_admin, net_raw,
     * net_broadcast), mounts and namespace games (sys_admin), ptrace, open_by_handle_at
     * (dac_read_search), device nodes (mknod), and the rest nspawn grants for an init system.
     */
    static final String DROPPED_CAPABILITIES = String.join(",", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_NET_BROADCAST",
            "CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "CAP_DAC_READ_SEARCH", "CAP_MKNOD", "CAP_SYS_BOOT", "CAP_SYS_RESOURCE",
            "CAP_SYS_TTY_CONFIG", "CAP_SYS_NICE", "CAP_AUDIT_CONTROL", "CAP_AUDIT_WRITE", "CAP_LINUX_IMMUTABLE",
            "CAP_IPC_OWNER", "CAP_LEASE", "CAP_SETFCAP", "CAP_SETPCAP");
    /**
     * With the precompiled filter nspawn keeps CAP_SETPCAP for the helper, which then drops every
     * capability, CAP_SETPCAP included, before the service runs: the service has none at all.
     */
    static final String DROPPED_BEFORE_HELPER = DROPPED_CAPABILITIES.replace(",CAP_SETPCAP", "");
    /** Sets LISTEN_PID to the pid that is about to exec nspawn, as sd_listen_fds requires. */
    static final String LISTEN_PID_SHIM = "LISTEN_PID=$$; export LISTEN_PID; exec \"$0\" \"$@\"";
    /**
     * Runs inside the container for Handoff=stdio: moves the forwarded fd 3 to stdin and stdout.
     * nspawn would otherwise hold the connection as its own stdio until the container is gone,
     * and the client would not see EOF when the service closes its end.
     */
    static final String STDIO_SHIM = "unset LISTEN_FDS LISTEN_PID LISTEN_FDNAMES; exec \"$@\" <&3 >&3 3>&-";

    /**
     * How the container starts. {@code helper}: nonetd-helper and the compiled filter, null when
     * there are none. {@code warm}: the container waits in the pool for its connection, which
     * arrives over fd 3 (a socket to the daemon). {@code userRange}: the uid range nonetd
     * allocated, replacing "pick"; null keeps the config's PrivateUsers=.
     */
    public record Mode(Helper helper, boolean warm, String userRange) {
        public static final Mode PLAIN = new Mode(null, false, null);
    }

    private NspawnCommand() {}

    public static Launch build(ServiceConfig config, String id, String machine, Peer peer, Host host, List<String> joinCgroups) {
        return build(config, id, machine, peer, host, joinCgroups, Mode.PLAIN);
    }

    /** Whether the service's own filter replaces nspawn's: asked for (or the default) and available. */
    public static boolean precompiled(ServiceConfig.Container c, Mode mode) {
        return mode.helper() != null && mode.helper().filter() && c.effectiveSeccomp() == ServiceConfig.Seccomp.PRECOMPILED
                && c.unprivilegedUsers();
    }

    /**
     * The command for one session. {@code joinCgroups} are the cgroup.procs files of the
     * session's groups (empty when systemd is PID 1 and nspawn's scope carries the limits).
     * {@code peer} is null for a warm container: the helper gets REMOTE_* with the connection.
     */
    public static Launch build(ServiceConfig config, String id, String machine, Peer peer, Host host, List<String> joinCgroups,
                               Mode mode) {
        ServiceConfig.Container c = config.container();
        if (mode.warm() && mode.helper() == null) throw new IllegalArgumentException("a warm container needs nonetd-helper");
        boolean precompiled = precompiled(c, mode);
        boolean viaHelper = precompiled || mode.warm();
        ServiceConfig.Limits limits = config.limits();
        List<String> nspawn = new ArrayList<>();
        nspawn.add(host.nspawn());
        nspawn.add("--quiet");
        nspawn.add("--settings=no");                 // no .nspawn file may add to or loosen these flags
        nspawn.add("--private-network");             // only lo inside
        nspawn.add("--drop-capability=" + (precompiled ? DROPPED_BEFORE_HELPER : DROPPED_CAPABILITIES)); // CAP_NET_ADMIN too: --private-network leaves it
        nspawn.add("--no-new-privileges=yes");         // no setuid or file-capability gains inside
        nspawn.add("--system-call-filter=~@mount");    // no mounts at all, not even in a nested user namespace
        nspawn.add("--machine=" + machine);
        if (!host.systemdBooted()) {
            // No system bus: nspawn can neither register with machined nor create a scope.
            nspawn.add("--register=no");
            nspawn.add("--keep-unit");
        } else {
            // machined registers the container (machinectl list shows it). Without machined, nspawn
            // still gets a scope of its own from systemd, which carries the limits below.
            if (!host.machined()) nspawn.add("--register=no");
            if (limits.tasksMax() != null) nspawn.add("--property=TasksMax=" + limits.tasksMax());
            if (limits.memoryMax() != null) nspawn.add("--property=MemoryMax=" + limits.memoryMax());
            if (limits.cpuQuotaPercent() != null) nspawn.add("--property=CPUQuota=" + limits.cpuQuotaPercent() + "%");
        }
        image(c, nspawn);
        if (viaHelper) nspawn.add("--bind-ro=" + mode.helper().dir() + ":" + Helper.IN_CONTAINER);
        String users = c.effectivePrivateUsers();
        if (users != null && mode.userRange() != null && users.equals("pick")) users = mode.userRange();
        if (users != null) {
            nspawn.add("--private-users=" + users);
            if (c.embedded()) nspawn.add("--private-users-ownership=off"); // never chown anything; host /usr stays as it is
        } else {
            nspawn.add("--oom-score-adjust=1000"); // the OOM killer takes the service, not nspawn (fails with userns in 252)
        }
        String tmpfs = "size=" + c.tmpfsSize() + ",mode=1777";
        nspawn.add("--tmpfs=/tmp:" + tmpfs);
        nspawn.add("--tmpfs=/dev/shm:" + tmpfs);
        if (c.embedded()) nspawn.add("--tmpfs=/var/tmp:" + tmpfs);
        nspawn.add("--console=pipe");                // our fds go straight to the payload, no pty
        nspawn.add("--resolv-conf=off");             // no host resolver config: there is no network to resolve on
        nspawn.add("--link-journal=no");
        if (peer != null) {
            for (Map.Entry<String, String> e : peer.environment().entrySet()) nspawn.add("--setenv=" + e.getKey() + "=" + e.getValue());
        }
        nspawn.add("--setenv=NONETD_SESSION=" + id);
        boolean stdio = config.service().handoff() == ServiceConfig.Handoff.STDIO;
        if (!stdio && !viaHelper) {
            nspawn.add("--setenv=LISTEN_FDNAMES=connection"); // nspawn drops LISTEN_FDNAMES (systemd issue 43764)
        }
        config.service().environment().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> nspawn.add("--setenv=" + e.getKey() + "=" + e.getValue()));
        nspawn.add("--");
        boolean onStdio = stdio && !c.hasShell() && !viaHelper;
        if (viaHelper) {
            nspawn.add(mode.helper().binaryInContainer());
            nspawn.add(mode.warm() ? "wait" : "exec");
            if (precompiled) nspawn.addAll(List.of("--filter", mode.helper().filterInContainer(), "--drop-caps"));
            if (stdio) nspawn.add("--stdio");
            nspawn.add("--");
        } else if (stdio && !onStdio) {
            nspawn.addAll(List.of("/bin/sh", "-c", STDIO_SHIM, "nonetd-stdio"));
        }
        nspawn.addAll(config.service().execStart());

        List<String> argv = new ArrayList<>();
        if (mode.helper() != null) {
            // The static helper does the shim's job (cgroups, LISTEN_PID) a millisecond faster than a shell.
            argv.addAll(List.of(mode.helper().binaryOnHost(), "nspawn"));
            for (String procs : joinCgroups) argv.addAll(List.of("--cgroup", procs));
            argv.add("--");
        } else {
            argv.addAll(List.of(host.shell(), "-c", hostShim(joinCgroups)));
        }
        argv.addAll(nspawn);
        List<String> env = new ArrayList<>(List.of(PATH));
        if (!onStdio) env.add("LISTEN_FDS=1");
        // nspawn's own filter off: the helper installs ours, and root inside is an unprivileged host uid.
        if (precompiled) env.add("SYSTEMD_SECCOMP=0");
        return new Launch(argv.get(0), argv, List.copyOf(env), onStdio);
    }

    /**
     * Runs on the host between posix_spawn and nspawn: joins the session's cgroups (or fails, so
     * nothing runs unconfined) and sets LISTEN_PID to the pid about to exec nspawn, which
     * forwards fd 3 only when LISTEN_FDS=1 and LISTEN_PID is its own.
     */
    static String hostShim(List<String> joinCgroups) {
        StringBuilder b = new StringBuilder();
        for (String procs : joinCgroups) b.append("echo $$ > '").append(procs).append("' && ");
        if (!joinCgroups.isEmpty()) b.append(": || { echo \"nonetd: cannot join the session's cgroups\" >&2; exit 1; }; ");
        return b.append(LISTEN_PID_SHIM).toString();
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
        for (ServiceConfig.Bind b : c.binds()) {
            argv.add((b.readOnly() ? "--bind-ro=" : "--bind=") + b.source() + (b.target().equals(b.source()) ? "" : ":" + b.target()));
        }
    }
}
