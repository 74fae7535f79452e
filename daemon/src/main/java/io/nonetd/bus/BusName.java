package io.nonetd.bus;

import java.nio.charset.StandardCharsets;

/**
 * The daemon's names on the bus. One well-known name per daemon process,
 * {@code io.nonetd.Daemon.<instance>}, where the instance is its first service's name escaped to
 * D-Bus name rules: letters, digits and '_' stay, a leading digit gets a '_' prefix, every other
 * byte (of the UTF-8 encoding) becomes '_XX' in lower-case hex. Pure.
 */
public final class BusName {
    /** Every daemon's name starts with this plus a dot; the policy file grants it with own_prefix. */
    public static final String PREFIX = "io.nonetd.Daemon";
    public static final String OBJECT_PATH = "/io/nonetd/Daemon";
    public static final String INTERFACE = "io.nonetd.Daemon1";

    private BusName() {}

    /** The well-known name of the daemon whose first service is {@code service}. */
    public static String forService(String service) {
        return PREFIX + "." + escape(service);
    }

    /** One element of a D-Bus name: never empty, never starting with a digit. */
    public static String escape(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
                out.append((char) c);
            } else {
                out.append('_').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            }
        }
        if (out.length() == 0 || Character.isDigit(out.charAt(0))) out.insert(0, '_');
        return out.toString();
    }

    /** True for the names {@link #forService} makes. */
    public static boolean isDaemon(String busName) {
        return busName.startsWith(PREFIX + ".") && busName.length() > PREFIX.length() + 1;
    }
}
