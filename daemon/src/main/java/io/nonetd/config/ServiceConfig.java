package io.nonetd.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One service, as loaded from {@code /etc/nonetd/NAME.conf} or built from a command line.
 * Immutable: a running session keeps the config it was started with.
 */
public record ServiceConfig(String name, String source, Service service, Container container, Limits limits) {

    /** How the connection reaches the payload. */
    public enum Handoff {
        /** stdin and stdout, inetd style. */
        STDIO,
        /** fd 3 with LISTEN_FDS=1, LISTEN_PID and LISTEN_FDNAMES=connection, as sd_listen_fds expects. */
        LISTEN_FDS
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
                            boolean hasShell, long tmpfsSize) {
        public static final long DEFAULT_TMPFS_SIZE = 64L << 20;

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
