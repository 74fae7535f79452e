package io.nonetd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** Running sessions survive a daemon that is killed or restarted; the next daemon adopts, counts and cleans up after them. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RestartIT {
    @TempDir
    Path dir;

    /** A line-echo session the test can talk to over time. */
    record Line(Socket socket, BufferedReader in) implements AutoCloseable {
        static Line open(int port) throws Exception {
            Socket s = Client.connect(port);
            return new Line(s, new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)));
        }

        String echo(String text) throws Exception {
            socket.getOutputStream().write((text + "\n").getBytes(StandardCharsets.UTF_8));
            return in.readLine();
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    @Test
    void sessionsSurviveKillAndRestartAndAreAdopted() throws Exception {
        Path conf = dir.resolve("lines.conf");
        Files.writeString(conf, "[Service]\nExecStart=/bin/sh -c 'while read x; do echo \"$x\"; done'\n[Limits]\nMaxSessions=2\nRateLimit=infinity\n");
        int port = NonetdProcess.freePort();
        try (NonetdProcess d = NonetdProcess.startSupervised("127.0.0.1:" + port, "--leave-sessions", "--config", conf.toString())) {
            Line a = Line.open(port);
            Line b = Line.open(port);
            assertEquals("a1", a.echo("a1"));
            assertEquals("b1", b.echo("b1"));
            List<Matcher> starts = d.awaitLog("session start: .* machine (nonetd-lines-[0-9a-f]{8}),", 2, Duration.ofSeconds(30));

            // kill -9: nobody stops the sessions, and the next daemon finds them.
            new ProcessBuilder("kill", "-KILL", Long.toString(d.daemonPid())).start().waitFor();
            d.awaitLog("adopted session left by an earlier nonetd: .* machine nonetd-lines-", 2, Duration.ofSeconds(30));
            assertEquals("a2", a.echo("a2"), "a session outlives a killed daemon");
            assertEquals("b2", b.echo("b2"));

            // The adopted sessions count against MaxSessions=2: a third client waits for a place.
            Line c = Line.open(port);
            d.awaitLog("queued: .* MaxSessions=2 reached");
            a.close();
            d.awaitLog("session end: .* exit status unknown \\(not our child\\)");
            assertEquals("c1", c.echo("c1"), "the queued client gets the freed place");

            // An orderly restart (SIGTERM with --leave-sessions), as systemctl restart does.
            new ProcessBuilder("kill", "-TERM", Long.toString(d.daemonPid())).start().waitFor();
            d.awaitLog("Stopping \\(SIGTERM\\): leaving 2 sessions running");
            d.awaitLog("adopted session left by an earlier nonetd", 4, Duration.ofSeconds(30));
            assertEquals("b3", b.echo("b3"));
            assertEquals("c2", c.echo("c2"));

            b.close();
            c.close();
            d.awaitLog("session end: .* exit status unknown \\(not our child\\)", 3, Duration.ofSeconds(30));
            for (Matcher m : starts) {
                String machine = m.group(1);
                assertTrue(Host.eventually(10_000, () -> Host.matching("--machine=" + machine).stream().allMatch(p -> p.state() == 'Z')),
                        "no nspawn of " + machine + " still runs");
                assertFalse(Host.propagateDirExists(machine), "no machine directory left for " + machine);
            }
        }
    }
}
