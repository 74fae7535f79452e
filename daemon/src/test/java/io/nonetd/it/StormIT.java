package io.nonetd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 2,000 connections from 100 parallel clients against MaxSessions=32 with a bounded queue: each
 * is served or refused with RefuseMessage, and the daemon ends where it started.
 */
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class StormIT {
    static final int CLIENTS = 100, PER_CLIENT = 20;

    @TempDir
    Path dir;

    @Test
    void everyConnectionIsServedOrRefusedAndNothingLeaks() throws Exception {
        String config = "[Service]\nExecStart=/bin/echo ok\n"
                + "[Limits]\nMaxSessions=32\nMaxSessionsPerSource=100\nRateLimit=infinity\nQueueMax=40\nQueueTimeoutSec=60s\nRefuseMessage=busy\n";
        try (NonetdProcess d = NonetdProcess.withConfig(dir, "storm", config)) {
            assertEquals("ok\n", Client.exchange(d.port(), ""));
            long pid = d.pid();
            storm(d.port(), 4, 25); // warm up the JIT, the heap and the queue
            d.awaitLog("session end:", 1 + countLines(d, "session start") - 1, Duration.ofSeconds(120));
            settle(pid, d);
            Stats before = Stats.of(pid);

            AtomicInteger[] result = storm(d.port(), CLIENTS, PER_CLIENT);
            int served = result[0].get(), refused = result[1].get(), other = result[2].get();
            assertEquals(0, other, "every connection gets 'ok' or the refusal message; the daemon said:\n"
                    + String.join("\n", d.log().stream().filter(l -> l.matches("<[0-4]>.*|.*output: .*") && !l.contains("refused: peer")).toList()));
            assertEquals(CLIENTS * PER_CLIENT, served + refused);
            // 100 clients against 32 places and 40 queue slots: both paths must have been taken.
            assertTrue(served >= 32 && refused > 0, served + " served, " + refused + " refused");

            settle(pid, d);
            Stats after = Stats.of(pid);
            assertEquals(before.fds, after.fds, "fds: " + Host.fds(pid));
            assertEquals(before.threads, after.threads, "threads");
            assertTrue(after.rssKb <= before.rssKb + 32 * 1024, "RSS " + before.rssKb + " kB before, " + after.rssKb + " kB after");
            assertEquals(List.of(), Host.childrenOf(pid), "no zombie, no nspawn left");
            assertEquals(List.of(), Host.matching("--machine=nonetd-storm-"), "no orphan nspawn");
            assertEquals(List.of(), Host.mountsContaining("nonetd-storm-"), "no leftover mount");
            try (var dirs = Files.list(Path.of("/run/systemd/nspawn/propagate"))) {
                assertEquals(List.of(), dirs.filter(p -> p.getFileName().toString().startsWith("nonetd-storm-")).toList(), "no machine directory left");
            }
            System.out.printf("storm: %d served, %d refused; daemon fds %d, threads %d, RSS %d -> %d kB%n",
                    served, refused, after.fds, after.threads.size(), before.rssKb, after.rssKb);
        }
    }

    /** [served, refused, anything else]. */
    private static AtomicInteger[] storm(int port, int clients, int each) throws Exception {
        AtomicInteger served = new AtomicInteger(), refused = new AtomicInteger(), other = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                jobs.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        String reply;
                        try {
                            reply = Client.exchange(port, "");
                        } catch (IOException e) {
                            reply = e.toString();
                        }
                        AtomicInteger counter = reply.equals("ok\n") ? served : reply.equals("busy\n") ? refused : other;
                        if (counter == other && other.get() < 5) System.out.println("storm: unexpected reply " + reply.replace("\n", "\\n"));
                        counter.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : jobs) f.get(800, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        return new AtomicInteger[] {served, refused, other};
    }

    private static int countLines(NonetdProcess d, String part) {
        return (int) d.log().stream().filter(l -> l.contains(part)).count();
    }

    /** Waits until every started session has ended and been reaped. */
    private static void settle(long pid, NonetdProcess d) throws Exception {
        assertTrue(Host.eventually(120_000, () -> countLines(d, "session start") == countLines(d, "session end")
                && Host.childrenOf(pid).isEmpty()), "sessions end");
        Thread.sleep(500);
    }

    /**
     * The daemon's fds, its threads (by name, without the JVM's JIT compiler and GC threads,
     * which the JVM starts and stops on its own) and its RSS.
     */
    record Stats(int fds, List<String> threads, long rssKb) {
        static Stats of(long pid) throws IOException {
            long rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) rss = Long.parseLong(line.split("\\s+")[1]);
            }
            List<String> threads = new ArrayList<>();
            try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                for (Path t : tasks.toList()) {
                    String name = Files.readString(t.resolve("comm")).strip();
                    if (!name.matches("C[12] CompilerThre.*|GC Thread.*|G1 .*")) threads.add(name);
                }
            }
            threads.sort(null);
            return new Stats(Host.fdCount(pid), threads, rss);
        }
    }
}
