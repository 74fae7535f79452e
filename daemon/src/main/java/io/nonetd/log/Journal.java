package io.nonetd.log;

import io.nonetd.os.Datagram;
import io.nonetd.os.OsException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * journald's native protocol (https://systemd.io/JOURNAL_NATIVE_PROTOCOL/): one datagram per
 * record, with fields of our own that {@code journalctl NONETD_SERVICE=echo} can match. Made once by
 * {@code Main}, then used by {@link Log} from any thread; owns its socket for the daemon's life.
 */
public final class Journal implements AutoCloseable {
    public static final String SOCKET = "/run/systemd/journal/socket";
    /** Names another socket than {@link #SOCKET}: for tests, or a journald in an odd place. */
    public static final String SOCKET_VARIABLE = "NONETD_JOURNAL_SOCKET";

    private final Datagram socket;
    private final boolean stderrIsJournal;

    private Journal(Datagram socket, boolean stderrIsJournal) {
        this.socket = socket;
        this.stderrIsJournal = stderrIsJournal;
    }

    /**
     * The journal, or null when its socket does not exist. {@code env} is the process
     * environment: NONETD_JOURNAL_SOCKET, and JOURNAL_STREAM to tell whether stderr goes there too.
     */
    public static Journal fromEnvironment(Map<String, String> env) throws OsException {
        String path = env.getOrDefault(SOCKET_VARIABLE, SOCKET);
        if (!Files.exists(Path.of(path))) return null;
        return new Journal(new Datagram(path), isStream(env.get("JOURNAL_STREAM"), Path.of("/proc/self/fd/2")));
    }

    /**
     * Whether {@code fd} (a /proc/self/fd link) is the stream JOURNAL_STREAM names. systemd sets
     * JOURNAL_STREAM to "DEVICE:INODE" of the stream it connects stdout/stderr to, and children
     * inherit it even when their stderr goes elsewhere, so compare (systemd.exec(5)).
     */
    static boolean isStream(String journalStream, Path fd) {
        if (journalStream == null) return false;
        String[] devIno = journalStream.split(":");
        if (devIno.length != 2) return false;
        try {
            long dev = Long.parseUnsignedLong(devIno[0]), ino = Long.parseUnsignedLong(devIno[1]);
            Map<String, Object> stat = Files.readAttributes(fd, "unix:dev,ino");
            return (Long) stat.get("dev") == dev && (Long) stat.get("ino") == ino;
        } catch (NumberFormatException e) {
            return false;
        } catch (IOException | UnsupportedOperationException e) {
            return true; // cannot stat it: trust the variable
        }
    }

    /** True when stderr is connected to the journal, so a record sent here needs no stderr line. */
    public boolean isStderr() {
        return stderrIsJournal;
    }

    /** Sends one record without blocking; a full or missing journal throws. */
    public void send(Map<String, String> fields) throws OsException {
        socket.send(encode(fields), true);
    }

    /**
     * The native format: {@code KEY=value\n}, or, for a value with a newline, {@code KEY\n}, its
     * length as a 64-bit little-endian integer, the bytes and {@code \n}.
     */
    public static byte[] encode(Map<String, String> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fields.forEach((key, value) -> {
            if (!key.matches("[A-Z0-9][A-Z0-9_]*")) throw new IllegalArgumentException("bad journal field name '" + key + "'");
            byte[] k = key.getBytes(StandardCharsets.US_ASCII), v = value.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(k);
            if (value.indexOf('\n') < 0) {
                out.write('=');
                out.writeBytes(v);
            } else {
                out.write('\n');
                for (int i = 0; i < 8; i++) out.write((int) ((long) v.length >>> (8 * i)));
                out.writeBytes(v);
            }
            out.write('\n');
        });
        return out.toByteArray();
    }

    @Override
    public void close() {
        socket.close();
    }
}
