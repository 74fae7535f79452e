package io.nonetd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A client's bytes reach the service in its container and come back, in both handoffs, over TCP and unix sockets. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RoundTripIT {
    /** Checks the sd_listen_fds(3) contract inside the container before it serves fd 3 ("$$$$" is the shell's "$$"). */
    static final String LISTEN_FDS_SERVICE = """
            [Service]
            Handoff=listen-fds
            ExecStart=/bin/sh -c '[ "$LISTEN_PID" = "$$$$" ] && [ "$LISTEN_FDS" = 1 ] && [ "$LISTEN_FDNAMES" = connection ] \\
                && exec /usr/bin/rev <&3 >&3; echo "bad protocol: $LISTEN_PID $$$$ $LISTEN_FDS $LISTEN_FDNAMES" >&3'
            """;
    static final String STDIO_SERVICE = "[Service]\nExecStart=/usr/bin/rev\n";

    @TempDir
    Path dir;

    @Test
    void stdioOverTcp() throws Exception {
        try (NonetdProcess d = NonetdProcess.withConfig(dir, "rev", STDIO_SERVICE)) {
            assertEquals("olleh\ndlrow\n", Client.exchange(d.port(), "hello\nworld\n"));
        }
    }

    @Test
    void listenFdsOverTcp() throws Exception {
        try (NonetdProcess d = NonetdProcess.withConfig(dir, "rev", LISTEN_FDS_SERVICE)) {
            assertEquals("olleh\n", Client.exchange(d.port(), "hello\n"));
        }
    }

    @Test
    void stdioOverUnixSocket() throws Exception {
        assertEquals("cba\n", overUnix(STDIO_SERVICE, "abc\n"));
    }

    @Test
    void listenFdsOverUnixSocket() throws Exception {
        assertEquals("cba\n", overUnix(LISTEN_FDS_SERVICE, "abc\n"));
    }

    @Test
    void clientSeesEofAsSoonAsTheServiceClosesItsEnd() throws Exception {
        assertEofBeforeExit("[Service]\nExecStart=/bin/sh -c 'echo hi; exec >&- <&-; sleep 20'\n");
        assertEofBeforeExit("[Service]\nHandoff=listen-fds\nExecStart=/bin/sh -c 'echo hi >&3; exec 3>&-; sleep 20'\n");
    }

    private void assertEofBeforeExit(String config) throws Exception {
        try (NonetdProcess d = NonetdProcess.withConfig(dir, "closer", config)) {
            long start = System.nanoTime();
            assertEquals("hi\n", Client.exchange(d.port(), ""));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 10_000, "EOF came after " + millis + " ms: something besides the service held the connection");
        }
    }

    private String overUnix(String config, String send) throws Exception {
        Path conf = dir.resolve("rev.conf");
        Files.writeString(conf, config);
        Path sock = dir.resolve("rev.sock");
        try (NonetdProcess d = NonetdProcess.start(List.of(), List.of(sock.toString()), "--config", conf.toString())) {
            Host.eventually(5000, () -> Files.exists(sock));
            return Client.exchangeUnix(sock, send);
        }
    }
}
