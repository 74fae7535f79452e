package io.nonetd.container;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * Short random session ids ("3fa9c01e") and the machine names built from them
 * ("nonetd-echo-3fa9c01e"). Parallel nspawns must have unique machine names (DESIGN.md).
 */
public final class SessionId {
    public static final String MACHINE_PREFIX = "nonetd-";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_MACHINE_NAME = 64;

    private SessionId() {}

    public static String next() {
        return String.format("%08x", RANDOM.nextInt());
    }

    /** A valid hostname: lower-case letters, digits and dashes, at most 64 characters. */
    public static String machineName(String service, String id) {
        String s = service.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        if (s.isEmpty()) s = "service";
        int room = MAX_MACHINE_NAME - MACHINE_PREFIX.length() - 1 - id.length();
        if (s.length() > room) s = s.substring(0, room).replaceAll("-+$", "");
        return MACHINE_PREFIX + s + "-" + id;
    }
}
