package io.nonetd.daemon;

import io.nonetd.log.Log;
import io.nonetd.os.Fd;
import io.nonetd.os.OsException;
import io.nonetd.os.Pipe;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies what nspawn and the service write to stdout/stderr into the daemon's log, one line at
 * a time with the session tag, up to a limit per session so that a noisy service cannot flood
 * the journal. Runs on the loop thread.
 */
final class OutputRelay {
    static final int MAX_LINES = 200;
    static final int MAX_LINE_BYTES = 2048;
    /** nspawn says this at every exit when /run is not a tmpfs; it still removes the directory. */
    private static final String BENIGN_NSPAWN = "Attempted to remove disk file system under \"/run/systemd/nspawn/propagate/";

    private final String tag;
    private final Fd output;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final byte[] buf = new byte[4096];
    private int lines;
    private boolean eof;

    /** {@code tag} prefixes each line ("[3fa9c01e]"); {@code output} is the read end of the pipe. */
    OutputRelay(String tag, Fd output) {
        this.tag = tag;
        this.output = output;
    }

    /** Reads what is available; returns false once the pipe reached end of file. */
    boolean pump() {
        while (!eof) {
            int n;
            try {
                n = Pipe.read(output, buf);
            } catch (OsException e) {
                Log.debug(tag + " Failed to read service output: " + e.getMessage() + ", ignoring");
                n = -1;
            }
            if (n == 0) return true;
            if (n < 0) {
                eof = true;
                flush();
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') flush();
                else if (partial.size() < MAX_LINE_BYTES) partial.write(buf[i]);
            }
        }
        return false;
    }

    private void flush() {
        if (partial.size() == 0) return;
        String line = partial.toString(StandardCharsets.UTF_8);
        partial.reset();
        if (line.startsWith(BENIGN_NSPAWN)) {
            Log.debug(tag + " " + line);
            return;
        }
        lines++;
        if (lines <= MAX_LINES) Log.info(tag + " output: " + line);
        else if (lines == MAX_LINES + 1) Log.notice(tag + " more than " + MAX_LINES + " lines of output, dropping the rest");
    }
}
