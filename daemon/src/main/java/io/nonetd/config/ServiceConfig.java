package io.nonetd.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One service, as loaded from {@code /etc/nonetd/NAME.conf} or built from a command line.
 * Immutable: a running session keeps the config it was started with.
 */
public record ServiceConfig(String name, String source, Service service, Container container, Limits limits, Pool pool) {

    public ServiceConfig(String name, String source, Service service, Container container, Limits limits) {
        this(name, source, service, container, limits, Pool.NONE);
    }

    /** How the connection reaches the payload. */
    public enum Handoff {
        /** stdin and stdout, inetd style. */
        STDIO,
        /** fd 3 with LISTEN_FDS=1, LISTEN_PID and LISTEN_FDNAMES=connection, as sd_listen_fds expects. */
        LISTEN_FDS
    }

    /**
     * Which syscall filter confines the service. Both deny the same kinds of calls; the
     * precompiled one is nonetd's own allow-list, compiled once at start and installed by
     * nonetd-helper, and is allowed only together with a user namespace.
     */
    public enum Seccomp {
        /** nspawn compiles its allow-list in every container (about 70 ms of CPU). */
        NSPAWN,
        /** nonetd's allow-list, compiled once; nspawn's own filter is turned off (SYSTEMD_SECCOMP=0). */
        PRECOMPILED
    }

    /** [Pool]: containers started ahead of their connection. {@code warm} 0 means no pool. */
    public record Pool(int warm) {
        public static final Pool NONE = new Pool(0);
        public static final int MAX_WARM = 256;
    }

    /** [Service]: what runs and how it gets the connection. ExecStart words are fully expanded. */
    public record Service(List<String> execStart, Handoff handoff, Map<String, String> environment, Duration stopTimeout) {}

    /** One Bind= or BindReadOnly=; the target equals the source when not given. */
    public record Bind(String source, String target, boolean readOnly) {}

    /**
     * [Container]: the image. A null directory means the embedded default: a fresh tmpfs root
     * with the host's /usr read-only ({@code -D / --volatile=yes}). {@code hasShell} says whether
     * the image has /bin/sh, which places the connection on stdin/stdout inside the container.
     * {@code tmpfsSize} caps each of /tmp, /dev/shm (and /var/tmp on the embedded default).
     */
    public record Container(Path directory, String volatileMode, boolean readOnly, String privateUsers, List<Bind> binds,
                            boolean hasShell, long tmpfsSize, Seccomp seccomp) {
        public static final long DEFAULT_TMPFS_SIZE = 64L << 20;
        private static final java.util.regex.Pattern UID_RANGE = java.util.regex.Pattern.compile("\\d+(:\\d+)?");

        /** With Seccomp= unset: chosen by {@link #effectiveSeccomp}. */
        public Container(Path directory, String volatileMode, boolean readOnly, String privateUsers, List<Bind> binds,
                         boolean hasShell, long tmpfsSize) {
            this(directory, volatileMode, readOnly, privateUsers, binds, hasShell, tmpfsSize, null);
        }

        /**
         * PrivateUsers=, or for the embedded default a fresh unprivileged uid range ("pick");
         * null when the container runs without a user namespace.
         */
        public String effectivePrivateUsers() {
            if (privateUsers != null) return privateUsers.equals("no") ? null : privateUsers;
            return embedded() ? "pick" : null;
        }

        /**
         * Seccomp=, or when unset: precompiled wherever it is allowed (a user namespace), else
         * nspawn's own filter.
         */
        public Seccomp effectiveSeccomp() {
            if (seccomp != null) return seccomp;
            return unprivilegedUsers() ? Seccomp.PRECOMPILED : Seccomp.NSPAWN;
        }

        /**
         * Whether root in the container is an unprivileged uid on the host: "pick" or an explicit
         * base above 0. Not "identity" (root stays root) and not "yes" (the base is the image
         * owner's uid, root for most trees).
         */
        public boolean unprivilegedUsers() {
            String u = effectivePrivateUsers();
            if (u == null) return false;
            if (u.equals("pick")) return true;
            return UID_RANGE.matcher(u).matches() && Long.parseLong(u.replaceFirst(":.*", "")) > 0;
        }

        public boolean embedded() {
            return directory == null;
        }
    }

    /**
     * [Limits]: what one service may take. A null Duration or Long means no limit; rateLimit 0
     * means no rate limit.
     */
    public record Limits(int maxSessions, int maxSessionsPerSource, int sourcePrefixIPv4, int sourcePrefixIPv6,
                         double rateLimit, int rateBurst, int queueMax, Duration queueTimeout, String refuseMessage,
                         Duration runtimeMax, Duration idleTimeout, Long memoryMax, Long tasksMax, Integer cpuQuotaPercent) {
        public static final Limits DEFAULTS = new Limits(64, 8, 32, 128, 10, 20, 32, Duration.ofSeconds(10), "",
                null, null, 512L << 20, 256L, null);
    }
}
