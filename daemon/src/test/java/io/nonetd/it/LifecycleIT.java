package io.nonetd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Many sessions, vanishing clients, failing spawns and SIGTERM: everything is reaped, nothing leaks. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LifecycleIT {
    @TempDir
    Path dir;

    @Test
    void fiftyConnectionsAtOnceAreAllAnsweredAndNothingLeaks() throws Exception {
        // Each service lists its own fd table while the others run: no other session's connection may show up.
        // No pipe or redirection in the shell: ls must see only what nspawn handed the payload.
        String config = "[Service]\nExecStart=/bin/sh -c 'read line; sleep 1; echo \"$line\"; ls /proc/$$$$/fd; true'\n"
                + "[Limits]\nMaxSessionsPerSource=64\nRateLimit=infinity\n";
        try (NonetdProcess d = NonetdProcess.withConfig(dir, "many", config)) {
            assertEquals("warm\n0\n1\n2\n", Client.exchange(d.port(), "warm\n"));
            d.awaitLog("session end:", 1, Duration.ofSeconds(10));
            long pid = d.pid();
            int baseline = Host.fdCount(pid);

            ExecutorService pool = Executors.newFixedThreadPool(50);
            try {
                List<Future<String>> replies = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    String msg = "c" + i;
                    replies.add(pool.submit(() -> Client.exchange(d.port(), msg + "\n")));
                }
                for (int i = 0; i < 50; i++) assertEquals("c" + i + "\n0\n1\n2\n", replies.get(i).get(120, TimeUnit.SECONDS));
            } finally {
                pool.shutdownNow();
            }
            d.awaitLog("session end: .* exit status 0", 51, Duration.ofSeconds(60));
            assertTrue(Host.eventually(5000, () -> fdCount(pid) == baseline), () -> "fds before: " + baseline + ", after: " + fds(pid));
            assertEquals(List.of(), Host.childrenOf(pid), "no nspawn left, and no zombie");
        }
    }

    @Test
    void clientsThatLeaveBeforeTheirContainerStartsLeaveNothing() throws Exception {
        try (NonetdProcess d = NonetdProcess.withConfig(dir, "cat", "[Service]\nExecStart=/bin/cat\n")) {
            assertEquals("warm\n", Client.exchange(d.port(), "warm\n"));
            d.awaitLog("session end:", 1, Duration.ofSeconds(10));
            long pid = d.pid();
            int baseline = Host.fdCount(pid);
            for (int i = 0; i < 10; i++) {
                Socket s = Client.connect(d.port());
                s.setSoLinger(true, 0); // reset, not a polite close
                s.close();
            }
            // Each either ran (and ended) or, if it had to wait for a place, left the queue.
            List<Matcher> ends = d.awaitLog("\\[([0-9a-f]{8})\\] (session end:|left the queue)", 11, Duration.ofSeconds(60));
            assertTrue(Host.eventually(5000, () -> fdCount(pid) == baseline), () -> "fds before: " + baseline + ", after: " + fds(pid));
            assertEquals(List.of(), Host.childrenOf(pid));
            for (Matcher m : ends) assertTrue(Host.matching(m.group(1)).isEmpty(), "no process of session " + m.group(1));
        }
    }

    @Test
    void aFailingSpawnIsLoggedAndTheDaemonKeepsServing() throws Exception {
        Files.writeString(dir.resolve("good.conf"), "[Service]\nExecStart=/usr/bin/rev\n");
        Files.writeString(dir.resolve("broken.conf"), "[Service]\nExecStart=/usr/bin/no-such-program\n");
        int good = NonetdProcess.freePort();
        int broken = NonetdProcess.freePort();
        try (NonetdProcess d = NonetdProcess.start(List.of("--fdname=good:broken"), List.of("127.0.0.1:" + good, "127.0.0.1:" + broken),
                "--config-dir", dir.toString())) {
            assertEquals("", Client.exchange(broken, ""), "the client just sees EOF");
            Matcher start = d.awaitLog("\\[([0-9a-f]{8})\\] session start: .* service 'broken'");
            String id = start.group(1);
            d.awaitLog("\\[" + id + "\\] output: nonetd-helper: cannot execute '/usr/bin/no-such-program': No such file or directory");
            d.awaitLog("\\[" + id + "\\] session end: .* exit status 127");
            assertEquals("olleh\n", Client.exchange(good, "hello\n"));
            assertEquals("", Client.exchange(broken, ""));
            assertEquals("dlrow\n", Client.exchange(good, "world\n"));
        }
    }

    @Test
    void sigtermEndsEverySessionAndLeavesNothingBehind() throws Exception {
        try (NonetdProcess d = NonetdProcess.withConfig(dir, "sleepy", "[Service]\nExecStart=/bin/sleep 6001\nTimeoutStopSec=3s\n")) {
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) clients.add(Client.connect(d.port()));
                List<Matcher> starts = d.awaitLog("session start: .* machine (nonetd-sleepy-[0-9a-f]{8}), pid", 3, Duration.ofSeconds(30));
                assertTrue(Host.eventually(10_000, () -> Host.exactly("/bin/sleep 6001").size() == 3), "three payloads run");

                assertEquals(0, d.stop(Duration.ofSeconds(20)), "exit status after SIGTERM");

                for (Socket c : clients) assertEquals(-1, c.getInputStream().read(), "the client sees EOF");
                assertEquals(List.of(), Host.exactly("/bin/sleep 6001"), "no payload left");
                for (Matcher m : starts) {
                    String machine = m.group(1);
                    assertEquals(List.of(), Host.matching("--machine=" + machine), "no nspawn left for " + machine);
                    assertEquals(List.of(), Host.mountsContaining(machine), "no mount left for " + machine);
                    assertTrue(!Host.propagateDirExists(machine), "no machine directory left for " + machine);
                }
            } finally {
                for (Socket c : clients) c.close();
            }
        }
    }

    @Test
    void aBadConfigIsRefusedBeforeAnythingIsAccepted() throws Exception {
        try (NonetdProcess d = NonetdProcess.withConfig(dir, "bad", "[Service]\nExecStart=/bin/cat\nHandoff=carrier-pigeon\n")) {
            try (Socket s = Client.connect(d.port())) {
                s.getOutputStream().write("hello\n".getBytes());
                assertTrue(s.getInputStream().read() == -1 || true);
            } catch (IOException reset) {
                // the daemon exited and took the socket with it: refused is what we want
            }
            assertTrue(d.process().waitFor(30, TimeUnit.SECONDS));
            assertEquals(78, d.process().exitValue());
            d.awaitLog("<3>" + dir.resolve("bad.conf") + ":3: Handoff=: invalid value 'carrier-pigeon', expected 'stdio' or 'listen-fds'");
            assertTrue(d.log().stream().noneMatch(l -> l.contains("session start")));
        }
    }

    private static int fdCount(long pid) {
        try {
            return Host.fdCount(pid);
        } catch (IOException e) {
            return -1;
        }
    }

    private static List<String> fds(long pid) {
        try {
            return Host.fds(pid);
        } catch (IOException e) {
            return List.of(e.toString());
        }
    }
}
