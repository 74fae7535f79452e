package io.nonetd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions that run away: a fork bomb, unbounded memory, filling the disk. The limits stop each
 * of them, and other sessions of the same daemon keep being served meanwhile.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RunawayIT {
    static final String PROBE = """
            #!/bin/bash
            read -r what
            case $what in
              echo) read -r line; echo "$line" ;;
              forkbomb)
                echo started
                exec perl -e 'my $n = 0; for (1 .. 400) { my $p = fork(); last unless defined $p; if (!$p) { sleep 30; exit 0 } $n++ } print "forked $n\n"' ;;
              memory) echo started; exec perl -e '$x = "a" x (1 << 20); push @a, $x . $_ for 1 .. 100000; print "survived\\n"' ;;
              fill)
                for d in /tmp /var/tmp /dev/shm; do
                  dd if=/dev/zero of=$d/fill bs=1M count=1000 2>/dev/null; echo "$d $(( $(stat -c %s $d/fill) >> 20 ))M"; rm -f $d/fill
                done
                dd if=/dev/zero of=/fill bs=1M count=2000 2>/dev/null; echo "/ $(( $(stat -c %s /fill) >> 20 ))M" ;;
            esac
            """;

    @TempDir
    Path dir;

    NonetdProcess start() throws Exception {
        Path probe = dir.resolve("probe.sh");
        Files.writeString(probe, PROBE);
        return NonetdProcess.withConfig(dir, "runaway", "[Service]\nExecStart=/bin/bash /probe.sh\n[Container]\nBindReadOnly=" + probe + ":/probe.sh\n"
                + "TmpfsSize=32M\n[Limits]\nTasksMax=64\nMemoryMax=128M\nRateLimit=infinity\n");
    }

    @Test
    void aForkBombIsCappedAtTasksMaxAndOthersAreServed() throws Exception {
        try (NonetdProcess d = start(); Socket bomb = Client.connect(d.port())) {
            bomb.getOutputStream().write("forkbomb\n".getBytes());
            BufferedReader in = new BufferedReader(new InputStreamReader(bomb.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("started", in.readLine());
            String forked = in.readLine();
            int n = Integer.parseInt(forked.substring("forked ".length()));
            assertTrue(n > 10 && n < 64, "fork fails at TasksMax=64: " + forked);
            assertEquals("still here\n", Client.exchange(d.port(), "echo\nstill here\n"), "another session is served meanwhile");
        }
    }

    @Test
    void unboundedMemoryIsStoppedAtMemoryMaxAndOthersAreServed() throws Exception {
        try (NonetdProcess d = start(); Socket hog = Client.connect(d.port())) {
            hog.getOutputStream().write("memory\n".getBytes());
            String out = Client.readAll(hog.getInputStream());
            assertEquals("started\n", out, "the allocation never completes");
            Matcher end = d.awaitLog("session end: peer 127\\.0\\.0\\.1:" + hog.getLocalPort() + ", .* (killed by signal \\d+ \\(\\w+\\)|exit status \\d+)");
            assertTrue(!end.group(1).equals("exit status 0"), end.group(0));
            assertEquals("fine\n", Client.exchange(d.port(), "echo\nfine\n"));
        }
    }

    @Test
    void fillingTheDiskStopsAtTheTmpfsLimitsAndMemoryMax() throws Exception {
        try (NonetdProcess d = start()) {
            List<String> lines = List.of(Client.exchange(d.port(), "fill\n").split("\n"));
            assertEquals(List.of("/tmp 32M", "/var/tmp 32M", "/dev/shm 32M"), lines.subList(0, 3), String.join("\n", lines));
            // The root tmpfs has no size of its own: its pages are charged to the session's memory, so MemoryMax stops it.
            assertTrue(lines.size() == 3 || Integer.parseInt(lines.get(3).replaceAll("\\D", "")) <= 128, String.join("\n", lines));
            assertEquals("ok\n", Client.exchange(d.port(), "echo\nok\n"));
            d.awaitLog("session end:", 2, Duration.ofSeconds(30));
        }
    }
}
