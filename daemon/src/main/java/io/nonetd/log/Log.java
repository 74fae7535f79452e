package io.nonetd.log;

import io.nonetd.os.OsException;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Log lines on stderr with sd-daemon(3) priority prefixes, so journald files each at its level.
 * Levels as systemd uses them: error means we stopped something, warning means we went on,
 * info is lifecycle (one line per session start and end), debug is the rest. Session start and
 * end are also {@link #record}s with fields for the journal when there is one. Thread-safe.
 */
public final class Log {
    private static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    private static volatile boolean debug = System.getenv("NONETD_DEBUG") != null;
    private static volatile Journal journal;
    private static volatile boolean journalFailed;

    private Log() {}

    public static void enableDebug() {
        debug = true;
    }

    /** Sends {@link #record}s to {@code j} from now on; null for stderr lines only. */
    public static void useJournal(Journal j) {
        journal = j;
    }

    /** True when records carry their fields to a journal, so the fields are worth collecting. */
    public static boolean hasJournal() {
        return journal != null;
    }

    /**
     * An info line with fields for the journal. With a journal the record goes there natively;
     * the stderr line is written as well unless stderr is the journal itself (JOURNAL_STREAM), so
     * the journal holds each record once and a terminal or file still gets its line. A record the
     * journal refuses (full, gone, too large) falls back to the stderr line.
     */
    public static void record(String message, Map<String, String> fields) {
        Journal j = journal;
        if (j != null) {
            Map<String, String> all = new LinkedHashMap<>();
            all.put("MESSAGE", message);
            all.put("PRIORITY", "6");
            all.put("SYSLOG_IDENTIFIER", "nonetd");
            all.putAll(fields);
            try {
                j.send(all);
                journalFailed = false;
                if (j.isStderr()) return;
            } catch (OsException e) {
                if (!journalFailed) warning("Failed to send a record to the journal: " + e.getMessage() + "; writing it to stderr, ignoring");
                journalFailed = true;
            }
        }
        info(message);
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
