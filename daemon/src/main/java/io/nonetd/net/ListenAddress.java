package io.nonetd.net;

import java.nio.file.Path;

/**
 * A socket the daemon binds itself when systemd passed none ({@code --listen}):
 * {@code HOST:PORT}, {@code [V6]:PORT} or an absolute {@code /path.sock}.
 */
public record ListenAddress(String host, int port, Path path) {

    public static ListenAddress parse(String text) {
        if (text == null || text.isEmpty()) throw new IllegalArgumentException("empty address");
        if (text.startsWith("/")) {
            if (text.length() > 107) throw new IllegalArgumentException("unix socket path longer than 107 bytes: '" + text + "'");
            return new ListenAddress(null, 0, Path.of(text));
        }
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) throw new IllegalArgumentException("expected [V6]:PORT, got '" + text + "'");
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || text.indexOf(':') != colon) {
                throw new IllegalArgumentException("expected HOST:PORT, [V6]:PORT or /path.sock, got '" + text + "'");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port is not a number in '" + text + "'");
        }
        if (p < 1 || p > 65535) throw new IllegalArgumentException("port out of range 1..65535 in '" + text + "'");
        return new ListenAddress(host, p, null);
    }

    public boolean isUnix() {
        return path != null;
    }

    @Override
    public String toString() {
        if (isUnix()) return path.toString();
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
