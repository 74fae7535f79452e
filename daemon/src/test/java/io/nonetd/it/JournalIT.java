package io.nonetd.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session records in journald's native protocol, to a datagram socket standing in for
 * /run/systemd/journal/socket (NONETD_JOURNAL_SOCKET).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JournalIT {
    private static final String SERVICE = "[Service]\nExecStart=/bin/cat\n";

    @TempDir
    Path dir;

    @Test
    void tcpAndUnixSessionsGetStartAndEndRecords() throws Exception {
        Path conf = Files.writeString(dir.resolve("echo.conf"), SERVICE);
        Path unixSocket = dir.resolve("echo.sock");
        try (Receiver journal = new Receiver(dir.resolve("journal.sock"));
             NonetdProcess d = NonetdProcess.start(Map.of("NONETD_JOURNAL_SOCKET", journal.path.toString()), List.of(),
                     List.of("127.0.0.1:" + NonetdProcess.freePort(), unixSocket.toString()), "--config", conf.toString())) {
            byte[] sent = new byte[3000];
            Arrays.fill(sent, (byte) 'x');
            int localPort;
            try (Socket s = Client.connect(d.port())) {
                localPort = s.getLocalPort();
                s.getOutputStream().write(sent);
                assertArrayEquals(sent, s.getInputStream().readNBytes(sent.length));
                // Outlive a byte-count sample (every second) after the last byte, then end.
                Thread.sleep(2500);
                s.shutdownOutput();
                assertEquals(-1, s.getInputStream().read());
            }
            String id = d.awaitLog("\\[([0-9a-f]{8})\\] session start: peer 127\\.0\\.0\\.1:" + localPort).group(1);
            Map<String, String> start = journal.await(r -> r.getOrDefault("MESSAGE", "").startsWith("[" + id + "] session start: "));
            Map<String, String> end = journal.await(r -> r.getOrDefault("MESSAGE", "").startsWith("[" + id + "] session end: "));
            for (Map<String, String> r : List.of(start, end)) {
                assertEquals("6", r.get("PRIORITY"), r.toString());
                assertEquals("nonetd", r.get("SYSLOG_IDENTIFIER"), r.toString());
                assertEquals(id, r.get("NONETD_SESSION"), r.toString());
                assertEquals("echo", r.get("NONETD_SERVICE"), r.toString());
                assertEquals("127.0.0.1", r.get("REMOTE_ADDR"), r.toString());
                assertEquals(Integer.toString(localPort), r.get("REMOTE_PORT"), r.toString());
                // stderr is not the journal here: the plain line is there too, with the same text.
                d.awaitLog("^<6>" + java.util.regex.Pattern.quote(r.get("MESSAGE")) + "$");
            }
            assertEquals("exited", end.get("NONETD_EXIT_CODE"), end.toString());
            assertEquals("0", end.get("NONETD_EXIT_STATUS"), end.toString());
            assertEquals("exited", end.get("NONETD_END_REASON"), end.toString());
            assertTrue(Long.parseLong(end.get("NONETD_DURATION_USEC")) >= 2_500_000, end.toString());
            assertTrue(Long.parseLong(end.get("NONETD_BYTES_IN")) >= sent.length, end.toString());
            assertTrue(Long.parseLong(end.get("NONETD_BYTES_OUT")) >= sent.length, end.toString());
            assertFalse(start.containsKey("NONETD_BYTES_IN"), start.toString());

            assertEquals("hello\n", Client.exchangeUnix(unixSocket, "hello\n"));
            Map<String, String> unixEnd = journal.await(r -> r.getOrDefault("MESSAGE", "").contains(" session end: peer unix("));
            assertEquals("unix", unixEnd.get("REMOTE_ADDR"), unixEnd.toString());
            assertFalse(unixEnd.containsKey("REMOTE_PORT"), unixEnd.toString());
            assertFalse(unixEnd.containsKey("NONETD_BYTES_IN"), unixEnd.toString());
            assertFalse(unixEnd.containsKey("NONETD_BYTES_OUT"), unixEnd.toString());
            assertEquals(0, d.stop(Duration.ofSeconds(20)));
        }
    }

    @Test
    void noStderrLineWhenStderrIsTheJournal() throws Exception {
        Path conf = Files.writeString(dir.resolve("echo.conf"), SERVICE);
        try (Receiver journal = new Receiver(dir.resolve("journal.sock"))) {
            // What systemd does for StandardError=journal: JOURNAL_STREAM names stderr's device and inode.
            String java = "exec java " + String.join(" ", NonetdProcess.JVM) + " -jar " + NonetdProcess.JAR + " --config " + conf;
            String shell = "JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2) " + java;
            try (NonetdProcess d = NonetdProcess.start(Map.of("NONETD_JOURNAL_SOCKET", journal.path.toString()), List.of(),
                    List.of("127.0.0.1:" + NonetdProcess.freePort()), "__raw__", "sh", "-c", shell)) {
                assertEquals("hello\n", Client.exchange(d.port(), "hello\n"));
                Map<String, String> end = journal.await(r -> r.getOrDefault("MESSAGE", "").contains(" session end: "));
                assertEquals("0", end.get("NONETD_EXIT_STATUS"), end.toString());
                assertEquals(0, d.stop(Duration.ofSeconds(20)));
                d.awaitLog("Stopped: ");
                for (String line : d.log()) assertFalse(line.contains(" session start: ") || line.contains(" session end: "), line);
                journal.await(r -> r.getOrDefault("MESSAGE", "").contains(" session start: "));
            }
        }
    }

    /** A stand-in for journald's socket: collects every datagram, parsed. */
    /** The journal socket, standing in for journald: one field map per datagram. */
    private static final class Receiver implements AutoCloseable {
        private final DatagramSink<Map<String, String>> sink;
        final Path path;

        Receiver(Path path) throws Exception {
            this.path = path;
            sink = new DatagramSink<>(path, Receiver::parse);
        }

        /** KEY=value\n, or KEY\n + 64-bit little-endian length + bytes + \n. */
        static Map<String, String> parse(ByteBuffer b) {
            Map<String, String> fields = new LinkedHashMap<>();
            b.order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining()) {
                StringBuilder key = new StringBuilder();
                byte c;
                while ((c = b.get()) != '=' && c != '\n') key.append((char) c);
                byte[] value;
                if (c == '=') {
                    int from = b.position();
                    while (b.get() != '\n') { /* to the end of the line */ }
                    value = Arrays.copyOfRange(b.array(), from, b.position() - 1);
                } else {
                    value = new byte[(int) b.getLong()];
                    b.get(value);
                    if (b.get() != '\n') throw new AssertionError("no newline after the binary value of " + key);
                }
                fields.put(key.toString(), new String(value, StandardCharsets.UTF_8));
            }
            return fields;
        }

        Map<String, String> await(Predicate<Map<String, String>> p) throws InterruptedException {
            return sink.await(p, 1, Duration.ofSeconds(20), "journal records");
        }

        @Override
        public void close() throws Exception {
            sink.close();
        }
    }
}
