package io.nonetd.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** systemd time spans: "5", "5s", "500ms", "1min 30s", "2h". A bare number means seconds. */
public final class TimeSpan {
    private static final Pattern PART = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([a-z]*)");

    private TimeSpan() {}

    public static Duration parse(String text) {
        String t = text.strip();
        if (t.isEmpty()) throw new IllegalArgumentException("empty time span");
        Matcher m = PART.matcher(t);
        long nanos = 0;
        int pos = 0;
        while (pos < t.length()) {
            if (!m.find(pos) || m.start() != pos || m.end() == pos) {
                throw new IllegalArgumentException("bad time span " + Ini.quote(text) + ", expected e.g. '30s', '500ms' or '1min 30s'");
            }
            double amount = Double.parseDouble(m.group(1));
            nanos += (long) (amount * unitNanos(m.group(2), text));
            if (nanos < 0 || amount > 1e12) throw new IllegalArgumentException("time span too large: " + Ini.quote(text));
            pos = m.end();
        }
        return Duration.ofNanos(nanos);
    }

    private static double unitNanos(String unit, String text) {
        return switch (unit) {
            case "us", "usec" -> 1e3;
            case "ms", "msec" -> 1e6;
            case "", "s", "sec", "second", "seconds" -> 1e9;
            case "m", "min", "minute", "minutes" -> 60e9;
            case "h", "hr", "hour", "hours" -> 3600e9;
            case "d", "day", "days" -> 86400e9;
            default -> throw new IllegalArgumentException("unknown time unit '" + unit + "' in " + Ini.quote(text));
        };
    }
}
