package io.nonetd.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/** Collects the [Limits] section; each setter throws IllegalArgumentException with a message for the user. */
final class LimitsParser {
    static final Set<String> KEYS = Set.of("MaxSessions", "MaxSessionsPerSource", "SourcePrefixIPv4", "SourcePrefixIPv6",
            "RateLimit", "RateBurst", "QueueMax", "QueueTimeoutSec", "RefuseMessage", "RuntimeMaxSec", "IdleTimeoutSec",
            "MemoryMax", "TasksMax", "CPUQuota");

    private final ServiceConfig.Limits d = ServiceConfig.Limits.DEFAULTS;
    private int maxSessions = d.maxSessions(), maxPerSource = d.maxSessionsPerSource();
    private int prefix4 = d.sourcePrefixIPv4(), prefix6 = d.sourcePrefixIPv6();
    private double rateLimit = d.rateLimit();
    private int rateBurst = d.rateBurst(), queueMax = d.queueMax();
    private Duration queueTimeout = d.queueTimeout(), runtimeMax = d.runtimeMax(), idleTimeout = d.idleTimeout();
    private String refuseMessage = d.refuseMessage();
    private Long memoryMax = d.memoryMax(), tasksMax = d.tasksMax();
    private Integer cpuQuota = d.cpuQuotaPercent();

    void set(String key, String v) {
        switch (key) {
            case "MaxSessions" -> maxSessions = intIn(v, 1, 100_000);
            case "MaxSessionsPerSource" -> maxPerSource = intIn(v, 1, 100_000);
            case "SourcePrefixIPv4" -> prefix4 = intIn(v, 0, 32);
            case "SourcePrefixIPv6" -> prefix6 = intIn(v, 0, 128);
            case "RateLimit" -> rateLimit = rate(v);
            case "RateBurst" -> rateBurst = intIn(v, 1, 1_000_000);
            case "QueueMax" -> queueMax = intIn(v, 0, 100_000);
            case "QueueTimeoutSec" -> queueTimeout = positive(v);
            case "RefuseMessage" -> refuseMessage = message(v);
            case "RuntimeMaxSec" -> runtimeMax = optionalSpan(v);
            case "IdleTimeoutSec" -> idleTimeout = optionalSpan(v);
            case "MemoryMax" -> memoryMax = bytes(v);
            case "TasksMax" -> tasksMax = isInfinity(v) ? null : (long) intIn(v, 1, 4_194_304);
            case "CPUQuota" -> cpuQuota = percent(v);
            default -> throw new IllegalStateException("key without a handler: " + key);
        }
    }

    ServiceConfig.Limits build() {
        return new ServiceConfig.Limits(maxSessions, maxPerSource, prefix4, prefix6, rateLimit, rateBurst, queueMax, queueTimeout,
                refuseMessage, runtimeMax, idleTimeout, memoryMax, tasksMax, cpuQuota);
    }

    private static boolean isInfinity(String v) {
        return v.isEmpty() || v.equalsIgnoreCase("infinity");
    }

    static int intIn(String v, int min, int max) {
        long n;
        try {
            n = Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a whole number from " + min + " to " + max + ", got " + Ini.quote(v));
        }
        if (n < min || n > max) throw new IllegalArgumentException("must be from " + min + " to " + max + ", got " + n);
        return (int) n;
    }

    private static double rate(String v) {
        if (isInfinity(v) || v.strip().equals("0")) return 0;
        double d;
        try {
            d = Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected sessions per second such as 5 or 0.5, or 'infinity', got " + Ini.quote(v));
        }
        if (!(d > 0 && d <= 1_000_000)) throw new IllegalArgumentException("must be above 0 and at most 1000000 per second, got " + Ini.quote(v));
        return d;
    }

    private static Duration positive(String v) {
        Duration d = TimeSpan.parse(v);
        if (d.isZero()) throw new IllegalArgumentException("must be more than 0");
        return d;
    }

    private static Duration optionalSpan(String v) {
        return isInfinity(v) ? null : positive(v);
    }

    private static String message(String v) {
        String m = String.join(" ", Words.split(v)); // quotes and escapes as in systemd
        if (m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0) throw new IllegalArgumentException("must be a single line");
        if (m.length() > 512) throw new IllegalArgumentException("longer than 512 characters");
        return m;
    }

    /** systemd's byte sizes: 512M, 1G, 100K, or plain bytes (base 1024). */
    static Long bytes(String v) {
        if (isInfinity(v)) return null;
        String t = v.strip().toUpperCase(Locale.ROOT);
        long unit = 1;
        char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        int exp = "KMGT".indexOf(last);
        if (exp >= 0) {
            unit = 1L << (10 * (exp + 1));
            t = t.substring(0, t.length() - 1);
        }
        try {
            long n = Long.parseLong(t);
            if (n <= 0 || n > Long.MAX_VALUE / unit) throw new NumberFormatException();
            long bytes = n * unit;
            if (bytes < (1L << 20)) throw new IllegalArgumentException("must be at least 1M, got " + Ini.quote(v));
            return bytes;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a size such as 512M or 2G, or 'infinity', got " + Ini.quote(v));
        }
    }

    private static Integer percent(String v) {
        if (isInfinity(v)) return null;
        String t = v.strip();
        if (!t.endsWith("%")) throw new IllegalArgumentException("expected a percentage such as 50% or 200%, got " + Ini.quote(v));
        return intIn(t.substring(0, t.length() - 1), 1, 100_000);
    }
}
