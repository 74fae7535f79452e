package io.nonetd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * [Pool] Warm=N: containers wait for their connection, each takes exactly one, the pool refills,
 * never exceeds MaxSessions, and a pooled container is confined exactly like a cold one.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PoolIT {
    static final String PROBE = """
            #!/bin/bash
            ls -l /proc/$$/fd >&3
            exec >&3
            echo "session $NONETD_SESSION"
            echo "remote $REMOTE_ADDR $REMOTE_PORT"
            echo "listen ${LISTEN_FDS:-} ${LISTEN_PID:-} ${LISTEN_FDNAMES:-} $$"
            echo "links $(ls /sys/class/net | tr '\\n' ' ')"
            echo "seccomp $(grep -E '^Seccomp:' /proc/self/status | cut -f2)"
            echo "found $(cat /tmp/mark 2>/dev/null || echo nothing)"
            echo "$NONETD_SESSION" > /tmp/mark
            read -r line <&3 || true
            echo "got $line"
            """;

    @TempDir
    Path dir;

    /** Starts the daemon (socket activation: the first connection starts it, cold) and waits for the pool. */
    private NonetdProcess start(String extra, int warm) throws Exception {
        Path probe = dir.resolve("probe.sh");
        Files.writeString(probe, PROBE);
        NonetdProcess d = NonetdProcess.withConfig(dir, "pool", "[Service]\n"
                // The service's fd table, as ContainerIT reads it for cold sessions, then the probe.
                + "ExecStart=/bin/bash /probe.sh\nHandoff=listen-fds\n[Container]\nBindReadOnly="
                + probe + ":/probe.sh\n[Limits]\nRateLimit=infinity\n" + extra);
        try {
            assertTrue(Client.exchange(d.port(), "wake\n").contains("got wake"));
            if (warm > 0) assertTrue(Host.eventually(30_000, () -> containers(d) == warm), "the pool fills to " + warm + ", found " + containers(d));
            return d;
        } catch (Exception | Error e) {
            d.close();
            throw e;
        }
    }

    /** The containers of this daemon: nspawn processes under it. */
    private static int containers(NonetdProcess d) {
        return (int) Host.processes().stream().filter(p -> p.cmdline().startsWith("/usr/bin/systemd-nspawn") || p.cmdline().startsWith("/bin/systemd-nspawn"))
                .filter(p -> p.cmdline().contains("--machine=nonetd-pool-")).filter(p -> isDescendant(p.pid(), d.pid())).count();
    }

    private static boolean isDescendant(long pid, long ancestor) {
        for (java.util.Optional<ProcessHandle> h = ProcessHandle.of(pid); h.isPresent(); h = h.get().parent()) {
            if (h.get().pid() == ancestor) return true;
        }
        return false;
    }

    @Test
    void eachWarmContainerTakesOneConnectionAndIsConfinedLikeACold() throws Exception {
        try (NonetdProcess d = start("[Pool]\nWarm=2\n", 2)) {
            List<String> sessions = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                try (Socket s = Client.connect(d.port())) {
                    String out = Client.exchange(s, "hello " + i + "\n");
                    assertTrue(out.contains("got hello " + i), out);
                    assertTrue(out.contains("remote 127.0.0.1 " + s.getLocalPort()), "REMOTE_* come with the connection: " + out);
                    String session = line(out, "session");
                    sessions.add(session);
                    String[] listen = line(out, "listen").split(" ");
                    assertEquals("1", listen[0], out);
                    assertEquals(listen[1], listen[3], "LISTEN_PID is the service's own pid: " + out);
                    assertEquals("connection", listen[2], out);
                    java.util.Map<Integer, String> fds = ContainerIT.fdTable(out);
                    // 255 is bash's own: the script it reads.
                    assertEquals(List.of(0, 1, 2, 3, 255), List.copyOf(fds.keySet()), "only stdio and the connection: " + out);
                    assertEquals("/probe.sh", fds.get(255));
                    assertEquals("/dev/null", fds.get(0));
                    assertTrue(fds.get(1).startsWith("pipe:[") && fds.get(1).equals(fds.get(2)), fds.toString());
                    assertTrue(fds.get(3).startsWith("socket:["), fds.toString());
                    assertEquals("lo", line(out, "links"), "only loopback: " + out);
                    assertEquals("2", line(out, "seccomp"), out);
                    assertEquals("nothing", line(out, "found"), "a fresh root, nothing from earlier sessions: " + out);
                }
                Thread.sleep(300); // arrivals slower than the refill: every session comes from the pool
            }
            assertEquals(4, sessions.stream().distinct().count(), "one container per connection: " + sessions);
            d.awaitLog("session start: .*from the warm pool", 4, Duration.ofSeconds(10));
            assertTrue(Host.eventually(10_000, () -> containers(d) == 2), "refilled to Warm=2, found " + containers(d));
        }
    }

    @Test
    void thePoolNeverHoldsMoreThanMaxSessionsAllows() throws Exception {
        try (NonetdProcess d = start("MaxSessions=3\n[Pool]\nWarm=2\n", 2)) {
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) open.add(Client.connect(d.port())); // the probe waits for a line: the sessions stay
                d.awaitLog("session start", 4, Duration.ofSeconds(30)); // the wake-up connection and these three
                Thread.sleep(1500); // time for a (wrong) refill
                assertEquals(3, containers(d), "3 running sessions and no warm container: MaxSessions=3");
            } finally {
                for (Socket s : open) s.close();
            }
            assertTrue(Host.eventually(15_000, () -> containers(d) == 2), "sessions ended, pool refilled to 2, found " + containers(d));
        }
    }

    @Test
    void stopLeavesNoContainerProcessOrDirectory() throws Exception {
        NonetdProcess d = start("[Pool]\nWarm=3\n", 3);
        List<String> machines = new ArrayList<>();
        try {
            for (Host.Proc p : Host.matching("--machine=nonetd-pool-")) {
                if (isDescendant(p.pid(), d.pid())) machines.add(p.cmdline().replaceFirst(".*--machine=(\\S+).*", "$1"));
            }
            assertEquals(3, machines.size(), machines.toString());
            assertEquals(0, d.stop(Duration.ofSeconds(20)));
        } finally {
            d.close();
        }
        d.awaitLog("letting 3 waiting containers go");
        for (String m : machines) {
            assertTrue(Host.matching("--machine=" + m).isEmpty(), m + " still runs");
            assertFalse(Host.propagateDirExists(m), m + " left its directory");
        }
        assertTrue(Host.matching("nonetd-helper wait").isEmpty(), "no helper waits any more");
        assertFalse(Files.exists(Path.of("/run/nonetd/helper." + d.pid())), "the helper directory is removed");
    }

    @Test
    void aBrokenPoolBacksOffAndConnectionsAreStillServed() throws Exception {
        // nspawn cannot bind onto a path below /dev/null: every warm start fails, and so would a cold one.
        Path probe = dir.resolve("probe.sh");
        Files.writeString(probe, PROBE);
        try (NonetdProcess d = NonetdProcess.withConfig(dir, "pool", "[Service]\nExecStart=/bin/bash /probe.sh\n[Container]\n"
                + "BindReadOnly=/usr:/dev/null/nonetd\n[Pool]\nWarm=1\n")) {
            try {
                Client.exchange(d.port(), "wake\n"); // starts the daemon; the session itself fails like the pool
            } catch (java.io.IOException expected) {
                // reset: the cold session failed too
            }
            d.awaitLog("warm container of service 'pool' ended before it got a connection", 2, Duration.ofSeconds(30));
            d.awaitLog("2 failure\\(s\\) in a row, next start in 1000ms");
            assertTrue(d.process().isAlive(), "the daemon keeps serving");
        }
    }

    private static String line(String out, String key) {
        for (String l : out.split("\n")) if (l.startsWith(key + " ")) return l.substring(key.length() + 1).strip();
        return "(no " + key + " line)";
    }
}
