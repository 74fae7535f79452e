package io.nonetd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** [Limits] with real containers: queue, refusals with their message, per-source shares, runtime and idle kills. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LimitsIT {
    @TempDir
    Path dir;

    @Test
    void overTheLimitConnectionsQueueThenAreRefusedWithTheMessage() throws Exception {
        String config = "[Service]\nExecStart=/bin/sh -c 'sleep 2; echo done'\n"
                + "[Limits]\nMaxSessions=1\nQueueMax=1\nRateLimit=infinity\nRefuseMessage=\"busy, try again later\"\n";
        try (NonetdProcess d = NonetdProcess.withConfig(dir, "busy", config);
             Socket a = Client.connect(d.port())) {
            d.awaitLog("session start");
            try (Socket b = Client.connect(d.port())) {
                d.awaitLog("queued: .* MaxSessions=1 reached \\(1 waiting\\)");
                try (Socket c = Client.connect(d.port())) {
                    assertEquals("busy, try again later\n", Client.readAll(c.getInputStream()));
                    d.awaitLog("refused: peer 127\\.0\\.0\\.1:" + c.getLocalPort() + ", service 'busy': MaxSessions=1 reached, queue full \\(QueueMax=1\\)");
                }
                assertEquals("done\n", Client.readAll(a.getInputStream()));
                assertEquals("done\n", Client.readAll(b.getInputStream()), "the queued client is served next");
            }
        }
    }

    @Test
    void aClientWaitsAtMostQueueTimeoutSec() throws Exception {
        String config = "[Service]\nExecStart=/bin/sleep 30\n[Limits]\nMaxSessions=1\nQueueTimeoutSec=1s\nRateLimit=infinity\nRefuseMessage=timeout\n";
        try (NonetdProcess d = NonetdProcess.withConfig(dir, "slow", config);
             Socket a = Client.connect(d.port())) {
            d.awaitLog("session start");
            try (Socket b = Client.connect(d.port())) {
                long t0 = System.nanoTime();
                assertEquals("timeout\n", Client.readAll(b.getInputStream()));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms >= 800 && ms < 3000, "refused after " + ms + "ms");
                d.awaitLog("refused: .* waited QueueTimeoutSec=1\\.0s in the queue");
            }
        }
    }

    @Test
    void aQueuedClientThatLeavesLeavesTheQueue() throws Exception {
        String config = "[Service]\nExecStart=/bin/sh -c 'sleep 2; echo done'\n[Limits]\nMaxSessions=1\nRateLimit=infinity\n";
        try (NonetdProcess d = NonetdProcess.withConfig(dir, "leave", config);
             Socket a = Client.connect(d.port())) {
            d.awaitLog("session start");
            Socket b = Client.connect(d.port());
            d.awaitLog("queued:");
            b.setSoLinger(true, 0); // an abortive close: a reset, which is how a vanished client shows
            b.close();
            d.awaitLog("left the queue: peer 127\\.0\\.0\\.1:\\d+ reset the connection");
            try (Socket c = Client.connect(d.port())) {
                assertEquals("done\n", Client.readAll(a.getInputStream()));
                assertEquals("done\n", Client.readAll(c.getInputStream()));
            }
            d.awaitLog("session end", 2, Duration.ofSeconds(20));
            assertEquals(2, d.log().stream().filter(l -> l.contains("session start")).count(), "the leaver never got a container");
        }
    }

    @Test
    void aQueuedClientThatHalfClosesKeepsItsPlace() throws Exception {
        String config = "[Service]\nExecStart=/bin/sh -c 'sleep 1; echo done'\n[Limits]\nMaxSessions=1\nRateLimit=infinity\n";
        try (NonetdProcess d = NonetdProcess.withConfig(dir, "half", config);
             Socket a = Client.connect(d.port()); Socket b = Client.connect(d.port())) {
            d.awaitLog("queued:");
            b.shutdownOutput(); // nothing to send, waiting for the answer
            assertEquals("done\n", Client.readAll(a.getInputStream()));
            assertEquals("done\n", Client.readAll(b.getInputStream()));
        }
    }

    @Test
    void oneSourceCannotTakeMoreThanItsShare() throws Exception {
        String config = "[Service]\nExecStart=/bin/sh -c 'read x; echo \"$x\"'\n[Limits]\nMaxSessions=10\nMaxSessionsPerSource=2\nRateLimit=infinity\n";
        try (NonetdProcess d = NonetdProcess.withConfig(dir, "share", config)) {
            List<Socket> hog = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) hog.add(Client.connectFrom("127.0.0.2", d.port()));
                d.awaitLog("queued: .* MaxSessionsPerSource=2 reached for source 127\\.0\\.0\\.2", 4, Duration.ofSeconds(30));
                try (Socket other = Client.connectFrom("127.0.0.3", d.port())) {
                    assertEquals("hi\n", Client.exchange(other, "hi\n"), "another source is served while the hog waits");
                }
                assertEquals(2, d.log().stream().filter(l -> l.contains("session start: peer 127.0.0.2")).count());
                for (int i = 0; i < hog.size(); i++) assertEquals("h" + i + "\n", Client.exchange(hog.get(i), "h" + i + "\n"));
            } finally {
                for (Socket s : hog) s.close();
            }
        }
    }

    @Test
    void runtimeMaxSecKillsOnTime() throws Exception {
        String config = "[Service]\nExecStart=/bin/sleep 60\n[Limits]\nRuntimeMaxSec=2s\n";
        try (NonetdProcess d = NonetdProcess.withConfig(dir, "runtime", config); Socket s = Client.connect(d.port())) {
            long t0 = System.nanoTime();
            assertEquals(-1, s.getInputStream().read());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 1900 && ms < 3000, "killed after " + ms + "ms, RuntimeMaxSec=2s");
            d.awaitLog("stopping session: RuntimeMaxSec=2s reached");
            d.awaitLog("session end: .* RuntimeMaxSec=2s reached");
        }
    }

    @Test
    void idleTimeoutSecKillsAfterSilenceOnly() throws Exception {
        String config = "[Service]\nExecStart=/bin/cat\n[Limits]\nIdleTimeoutSec=2s\n";
        try (NonetdProcess d = NonetdProcess.withConfig(dir, "idle", config); Socket s = Client.connect(d.port())) {
            InputStream in = s.getInputStream();
            long t0 = System.nanoTime();
            for (int i = 0; i < 3; i++) { // traffic every 1.2 s keeps it alive past the timeout
                s.getOutputStream().write(("ping" + i + "\n").getBytes(StandardCharsets.UTF_8));
                assertEquals("ping" + i + "\n", new String(in.readNBytes(6), StandardCharsets.UTF_8));
                Thread.sleep(1200);
            }
            long lastTraffic = System.nanoTime() - 1_200_000_000L;
            assertEquals(-1, in.read());
            long silentMs = (System.nanoTime() - lastTraffic) / 1_000_000;
            long totalMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(totalMs > 3500, "alive while there was traffic: ended after " + totalMs + "ms");
            assertTrue(silentMs >= 1900 && silentMs < 3000, "killed " + silentMs + "ms after the last byte, IdleTimeoutSec=2s");
            d.awaitLog("session end: .* IdleTimeoutSec=2\\.0s reached, no bytes for \\d+ms");
        }
    }
}
