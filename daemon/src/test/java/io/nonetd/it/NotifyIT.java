package io.nonetd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify to a real datagram socket standing in for systemd, and SIGHUP reloads. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NotifyIT {
    @TempDir
    Path dir;

    @Test
    void readyStatusWatchdogReloadAndStopping() throws Exception {
        Path sock = dir.resolve("notify.sock");
        Path conf = dir.resolve("svc.conf");
        Files.writeString(conf, "[Service]\nExecStart=/usr/bin/rev\n");
        try (DatagramSink<String> got = new DatagramSink<>(sock, buf -> StandardCharsets.UTF_8.decode(buf).toString())) {
            try (NonetdProcess d = NonetdProcess.start(Map.of("NOTIFY_SOCKET", sock.toString(), "WATCHDOG_USEC", "400000"),
                    List.of(), List.of("127.0.0.1:" + NonetdProcess.freePort()), "--config", conf.toString())) {
                assertEquals("olleh\n", Client.exchange(d.port(), "hello\n"));
                String ready = await(got, m -> m.startsWith("READY=1"), 1);
                assertTrue(ready.contains("STATUS=running "), ready);
                await(got, m -> m.equals("WATCHDOG=1"), 3); // every 200 ms
                await(got, m -> m.startsWith("STATUS=running 0, queued 0, served 1, refused 0"), 1);

                // A good new config: new sessions get it.
                Files.writeString(conf, "[Service]\nExecStart=/bin/cat\n");
                new ProcessBuilder("kill", "-HUP", Long.toString(d.pid())).start().waitFor();
                await(got, m -> m.startsWith("RELOADING=1"), 1);
                await(got, m -> m.startsWith("READY=1"), 2);
                assertEquals("hello\n", Client.exchange(d.port(), "hello\n"));

                // A bad one is refused and the old one kept.
                Files.writeString(conf, "[Service]\nExecStart=/usr/bin/rev\nBogus=1\n");
                new ProcessBuilder("kill", "-HUP", Long.toString(d.pid())).start().waitFor();
                d.awaitLog("<3>Failed to reload: " + conf + ":3: Bogus=: unknown key in section \\[Service\\]; keeping the old configuration");
                assertEquals("hello\n", Client.exchange(d.port(), "hello\n"));

                assertEquals(0, d.stop(Duration.ofSeconds(20)));
                await(got, m -> m.startsWith("STOPPING=1"), 1);
            }
        }
    }

    private static String await(DatagramSink<String> got, java.util.function.Predicate<String> p, int count) throws InterruptedException {
        return got.await(p, count, Duration.ofSeconds(15), "notifications");
    }
}
