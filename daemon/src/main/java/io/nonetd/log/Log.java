package io.nonetd.log;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Log lines on stderr with sd-daemon(3) priority prefixes, so journald files each at its level.
 * Levels as systemd uses them: error means we stopped something, warning means we went on,
 * info is lifecycle (one line per session start and end), debug is the rest. Thread-safe.
 */
public final class Log {
    private static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    private static volatile boolean debug = System.getenv("NONETD_DEBUG") != null;

    private Log() {}

    public static void enableDebug() {
        debug = true;
    }

    public static void error(String message) {
        write(3, message);
    }

    public static void warning(String message) {
        write(4, message);
    }

    public static void notice(String message) {
        write(5, message);
    }

    public static void info(String message) {
        write(6, message);
    }

    public static void debug(String message) {
        if (debug) write(7, message);
    }

    private static void write(int priority, String message) {
        // One record per line: a message with newlines would otherwise lose its level after the first.
        String clean = message.replace("\n", "\\n");
        synchronized (OUT) {
            OUT.print("<" + priority + ">" + clean + "\n");
        }
    }
}
