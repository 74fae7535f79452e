package io.nonetd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Each example in examples/ runs as shipped, with the client command its README gives. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ExamplesIT {
    static final Path EXAMPLES = Path.of(System.getProperty("nonetd.examples", "../examples"));
    /** Where examples/image/build-image.sh puts the image, and where image.conf looks for it. */
    static final Path IMAGE = Path.of("/var/lib/machines/nonetd-example-image");
    /** http.conf's site directory as the package installs it; the test points it at examples/http/www. */
    static final String INSTALLED_SITE = "/usr/share/nonetd/examples/http/www";

    @TempDir
    Path dir;

    static NonetdProcess example(String name) throws Exception {
        Path conf = EXAMPLES.resolve(name).resolve(name + ".conf");
        return NonetdProcess.start(List.of(), List.of("127.0.0.1:" + NonetdProcess.freePort()), "--config", conf.toString());
    }

    /** The shipped config of example {@code name}, changed by {@code edit}, as NAME.conf in the test's directory. */
    NonetdProcess example(String name, UnaryOperator<String> edit) throws Exception {
        String shipped = Files.readString(EXAMPLES.resolve(name).resolve(name + ".conf"));
        String edited = edit.apply(shipped);
        assertNotEquals(shipped, edited, "the edit changed nothing in " + name + ".conf");
        return NonetdProcess.withConfig(dir, name, edited);
    }

    /** Replaces the config's one ExecStart= line, keeping everything else (the [Container] section above all). */
    static UnaryOperator<String> execStart(String commandLine) {
        return conf -> {
            assertEquals(1, Pattern.compile("(?m)^ExecStart=").matcher(conf).results().count(), "one ExecStart= line");
            return conf.replaceFirst("(?m)^ExecStart=.*$", Matcher.quoteReplacement("ExecStart=" + commandLine));
        };
    }

    @Test
    void echo() throws Exception {
        try (NonetdProcess d = example("echo")) {
            assertEquals("hello\nworld\n", Client.exchange(d.port(), "hello\nworld\n"));
        }
    }

    // ---- sanitize: a PDF in, its text out ----

    @Test
    void sanitizeTurnsAPdfIntoText() throws Exception {
        try (NonetdProcess d = example("sanitize")) {
            // The README's command: nc -N 127.0.0.1 7001 < examples/sanitize/hello.pdf
            byte[] shipped = Files.readAllBytes(EXAMPLES.resolve("sanitize/hello.pdf"));
            assertEquals(List.of("Hello from nonetd.", "This text came out of a PDF, in a container without a network."),
                    textLines(Client.exchange(d.port(), shipped)));

            // A document made here, so the text cannot come from anywhere but the bytes sent; with Latin-1 letters.
            String token = "order-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
            List<String> lines = List.of("Invoice " + token, "Caf\u00e9 cr\u00e8me (2) \\ total: 7.50");
            assertEquals(lines, textLines(Client.exchange(d.port(), pdf(lines))));

            // Not a PDF: the client gets nothing, the complaint goes to the log.
            assertEquals("", new String(Client.exchange(d.port(), "no PDF here\n".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));
            d.awaitLog("session end: .* exit status 1$");
        }
    }

    @Test
    void sanitizeContainerCannotPhoneHome() throws Exception {
        // Listeners on the host: on loopback, and on every other address the host has.
        List<ServerSocketChannel> listeners = new ArrayList<>();
        try {
            for (InetAddress a : hostAddresses()) {
                ServerSocketChannel ch = ServerSocketChannel.open();
                listeners.add(ch);
                ch.bind(new InetSocketAddress(a, 0));
                ch.configureBlocking(false);
            }
            Map<String, ServerSocketChannel> byTarget = new LinkedHashMap<>(); // "ADDRESS/PORT", as bash's /dev/tcp wants it
            for (ServerSocketChannel ch : listeners) {
                InetSocketAddress local = (InetSocketAddress) ch.getLocalAddress();
                byTarget.put(local.getAddress().getHostAddress().replaceFirst("%.*$", "") + "/" + local.getPort(), ch);
                // The listener works: a connection from the host itself shows up.
                try (SocketChannel probe = SocketChannel.open(local)) {
                    assertTrue(Host.eventually(5000, () -> accepted(ch)), "the host reaches its own listener on " + local);
                }
            }
            assertTrue(byTarget.keySet().stream().anyMatch(t -> t.startsWith("127.0.0.1/")), byTarget.keySet().toString());

            // The sanitize service's container, running bash's /dev/tcp instead of pdftotext ($$ is a literal $).
            String script = "for t in " + String.join(" ", byTarget.keySet()) + "; do "
                    + "if msg=$$(exec 2>&1; echo phone-home > /dev/tcp/$$t); then echo \"connected $$t\"; "
                    + "else echo \"blocked $$t: $$msg\"; fi; done";
            try (NonetdProcess d = example("sanitize", execStart("/bin/bash -c '" + script + "'"))) {
                String out = Client.exchange(d.port(), "");
                for (String target : byTarget.keySet()) {
                    boolean loopback = InetAddress.getByName(target.substring(0, target.lastIndexOf('/'))).isLoopbackAddress();
                    // 127.0.0.1 and ::1 inside are the container's own loopback, where nothing listens;
                    // any other address has no route at all.
                    String reason = loopback ? "Connection refused" : "Network is unreachable";
                    assertTrue(out.lines().anyMatch(l -> l.startsWith("blocked " + target + ": ") && l.contains(reason)),
                            "connecting to " + target + " fails inside with '" + reason + "':\n" + out);
                }
                assertFalse(out.contains("connected"), out);
                d.awaitLog("session end: .* exit status 0$");
            }
            for (Map.Entry<String, ServerSocketChannel> e : byTarget.entrySet()) {
                try (SocketChannel c = e.getValue().accept()) {
                    assertNull(c, "the host's listener on " + e.getKey() + " got a connection from the container");
                }
            }
        } finally {
            for (ServerSocketChannel ch : listeners) ch.close();
        }
    }

    // ---- http: a static site per connection ----

    @Test
    void httpServesTheSiteFromAReadOnlyDirectory() throws Exception {
        Path site = EXAMPLES.resolve("http/www").toAbsolutePath().normalize();
        String page = Files.readString(site.resolve("index.html"));
        UnaryOperator<String> repoSite = conf -> {
            assertTrue(conf.contains("BindReadOnly=" + INSTALLED_SITE + ":/srv/www"), conf);
            return conf.replace(INSTALLED_SITE, site.toString());
        };
        try (NonetdProcess d = example("http", repoSite)) {
            // The README's command: curl http://127.0.0.1:7002/
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> index = http.send(get(d.port(), "/"), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, index.statusCode(), index.body());
            assertEquals(page, index.body());
            assertTrue(index.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), index.headers().toString());

            HttpResponse<String> missing = http.send(get(d.port(), "/no-such-page.html"), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
            d.awaitLog("session end: .* service 'http'.*exit status 0$", 2, Duration.ofSeconds(30));
        }
        // The same container, with a shell instead of httpd: the site cannot be changed from inside. Opening
        // for append changes nothing even where it succeeds, so a failing test cannot damage the site.
        String probe = "/bin/sh -c 'if (true >> /srv/www/index.html) 2>/dev/null; then echo writable; else echo read-only; fi; "
                + "mkdir /srv/www/new 2>&1 | grep -o \"Read-only file system\"'";
        try (NonetdProcess d = example("http", conf -> execStart(probe).apply(repoSite.apply(conf)))) {
            assertEquals("read-only\nRead-only file system\n", Client.exchange(d.port(), ""));
        } finally {
            Files.deleteIfExists(site.resolve("new"));
        }
        assertEquals(page, Files.readString(site.resolve("index.html")));
    }

    private static HttpRequest get(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30)).build();
    }

    // ---- shell: a throwaway shell per connection ----

    @Test
    void shellSeesOnlyLoopbackAndNothingPersists() throws Exception {
        try (NonetdProcess d = example("shell")) {
            // What a student would type at the README's client, then exit.
            String first = Client.exchange(d.port(), "ip link; touch /tmp/persist-test; ls /tmp; exit\n");
            List<String> interfaces = Pattern.compile("(?m)(?:^|# )\\d+: ([^:@\\s]+)(?:@\\S+)?: <").matcher(first).results().map(m -> m.group(1)).toList();
            assertEquals(List.of("lo"), interfaces, first);
            assertTrue(Pattern.compile("(?m)^persist-test$").matcher(first).find(), "ls /tmp shows the new file:\n" + first);
            assertTrue(Pattern.compile("(?m)^nonetd-shell-[0-9a-f]{8}:/# ").matcher(first).find(), "the prompt names the session's machine:\n" + first);

            // $((6*7)): the words to look for appear only in the shell's output, never in what was sent.
            String second = Client.exchange(d.port(), "if [ -e /tmp/persist-test ]; then echo kept-$((6*7)); else echo fresh-$((6*7)); fi; "
                    + "sleep 6003 & echo job-$((6*7)); exit\n");
            assertTrue(second.contains("fresh-42") && second.contains("job-42"), second);
            assertFalse(second.contains("kept-42"), second);
            d.awaitLog("session end: .* exit status 0$", 2, Duration.ofSeconds(30));
            assertTrue(Host.eventually(5000, () -> Host.exactly("sleep 6003").isEmpty()), "the background job ended with its shell");
        }
    }

    @Test
    void shellOfAClientThatVanishedIsStoppedWhenIdle() throws Exception {
        // The shipped [Limits], with IdleTimeoutSec=10min shortened so the test does not wait that long.
        UnaryOperator<String> shortIdle = conf -> {
            assertEquals(1, Pattern.compile("(?m)^IdleTimeoutSec=10min$").matcher(conf).results().count(), conf);
            return conf.replace("IdleTimeoutSec=10min", "IdleTimeoutSec=2s");
        };
        try (NonetdProcess d = example("shell", shortIdle)) {
            try (Socket s = Client.connect(d.port())) {
                s.getOutputStream().write("sleep 6004\n".getBytes(StandardCharsets.UTF_8));
                assertTrue(Host.eventually(10_000, () -> Host.exactly("sleep 6004").size() == 1), "the command runs");
                s.setSoLinger(true, 0); // the client vanishes: a reset, while bash waits for sleep and reads nothing
            }
            d.awaitLog("session end: .* IdleTimeoutSec=2(\\.0)?s reached", 1, Duration.ofSeconds(20));
            assertTrue(Host.eventually(5000, () -> Host.exactly("sleep 6004").isEmpty()), "the command went with its container");
        }
    }

    // ---- image: the service runs from its own OS tree ----

    static final String LUA_PROBE = """
            print(_VERSION)
            for l in io.lines("/etc/os-release") do if l:match("^VERSION_CODENAME=") then print(l) end end
            print(io.open("/etc/nonetd-example-image"):read("l"))
            print("interfaces: " .. io.popen("ls /sys/class/net"):read("a"):gsub("%s+$", ""))
            for _, p in ipairs({"/etc/persist-test", "/var/tmp/persist-test"}) do
              print(p .. (io.open(p) and " was there" or " is new"))
              local f = assert(io.open(p, "w")); f:write(os.getenv("NONETD_SESSION")); f:close()
            end
            """;

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS) // includes building the image once (about 30 s to a minute)
    void imageRunsFromItsOwnTreeAndForgetsWrites() throws Exception {
        buildImageIfAbsent();
        try (NonetdProcess d = example("image")) {
            // The README's command: echo 'print("hello from " .. _VERSION)' | nc -N 127.0.0.1 7004
            assertEquals("hello from Lua 5.4\n", Client.exchange(d.port(), "print(\"hello from \" .. _VERSION)\n"));
            for (int session = 1; session <= 2; session++) {
                List<String> out = Client.exchange(d.port(), LUA_PROBE).lines().toList();
                assertEquals(6, out.size(), "session " + session + ": " + out);
                assertEquals("Lua 5.4", out.get(0), "lua5.4 runs: it is in the image, not needed on the host");
                assertEquals("VERSION_CODENAME=bookworm", out.get(1));
                assertTrue(out.get(2).startsWith("nonetd example image, built "), "the image's own marker file: " + out);
                assertEquals("interfaces: lo", out.get(3));
                assertEquals(List.of("/etc/persist-test is new", "/var/tmp/persist-test is new"), out.subList(4, 6),
                        "session " + session + " does not see what an earlier one wrote");
            }
            assertFalse(Files.exists(IMAGE.resolve("etc/persist-test")), "writes went to the overlay, not into the image");
            assertFalse(Files.exists(IMAGE.resolve("var/tmp/persist-test")));

            // Errors reach the client; an endless loop is cut off by the config's RuntimeMaxSec=10s.
            assertTrue(Client.exchange(d.port(), "error('boom')\n").contains("stdin:1: boom"));
            long t0 = System.nanoTime();
            assertEquals("looping\n", Client.exchange(d.port(), "print('looping') io.stdout:flush() while true do end\n"));
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
            assertTrue(seconds >= 9 && seconds < 20, "cut off after " + seconds + " s");
            d.awaitLog("session end: .* RuntimeMaxSec=10s reached$");
        }
    }

    /** Runs examples/image/build-image.sh unless the image is there; the script itself waits for a concurrent build. */
    private void buildImageIfAbsent() throws Exception {
        if (Files.exists(IMAGE.resolve("etc/nonetd-example-image"))) return;
        Path log = dir.resolve("build-image.log");
        // timeout(1) signals the script's whole process group, debootstrap included.
        Process p = new ProcessBuilder("timeout", "--kill-after=10", "480", "sh", EXAMPLES.resolve("image/build-image.sh").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(500, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        assertTrue(done && p.exitValue() == 0, () -> "build-image.sh failed; its output:\n" + tail(log));
        assertTrue(Files.exists(IMAGE.resolve("etc/nonetd-example-image")));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (Exception e) {
            return e.toString();
        }
    }

    // ---- helpers ----

    /** pdftotext's output as lines, without the page's form feed and blank lines. */
    private static List<String> textLines(byte[] text) {
        return new String(text, StandardCharsets.UTF_8).replace("\f", "").lines().filter(l -> !l.isBlank()).toList();
    }

    /** A one-page PDF 1.4 with {@code lines} in Helvetica (WinAnsiEncoding, so Latin-1 letters work). */
    static byte[] pdf(List<String> lines) {
        StringBuilder ops = new StringBuilder("BT /F1 14 Tf 72 720 Td");
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) ops.append(" 0 -20 Td");
            ops.append(" (").append(pdfString(lines.get(i))).append(") Tj");
        }
        String content = ops.append(" ET\n").toString();
        List<String> objects = List.of(
                "<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
                "<< /Length " + content.length() + " >>\nstream\n" + content + "endstream");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Integer> offsets = new ArrayList<>();
        write(out, "%PDF-1.4\n");
        for (int i = 0; i < objects.size(); i++) {
            offsets.add(out.size());
            write(out, (i + 1) + " 0 obj\n" + objects.get(i) + "\nendobj\n");
        }
        int xref = out.size();
        write(out, "xref\n0 " + (objects.size() + 1) + "\n0000000000 65535 f \n");
        for (int offset : offsets) write(out, String.format("%010d 00000 n \n", offset)); // 20 bytes per entry
        write(out, "trailer\n<< /Size " + (objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" + xref + "\n%%EOF\n");
        return out.toByteArray();
    }

    /** A PDF literal string's body: ( ) \ escaped, everything past ASCII as octal (WinAnsi = Latin-1 there). */
    private static String pdfString(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c > 0xff) throw new IllegalArgumentException("not Latin-1: " + c);
            if (c == '(' || c == ')' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20 || c > 0x7e) b.append(String.format("\\%03o", (int) c));
            else b.append(c);
        }
        return b.toString();
    }

    private static void write(ByteArrayOutputStream out, String ascii) {
        out.writeBytes(ascii.getBytes(StandardCharsets.US_ASCII));
    }

    /** 127.0.0.1, ::1 when the host has IPv6, and every global address of the host's interfaces. */
    private static List<InetAddress> hostAddresses() throws Exception {
        List<InetAddress> out = new ArrayList<>(List.of(InetAddress.getByName("127.0.0.1")));
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp()) continue;
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (a.isLinkLocalAddress() || a.isMulticastAddress() || a.isAnyLocalAddress()) continue;
                if (a.isLoopbackAddress() && !(a instanceof Inet6Address)) continue; // 127.0.0.1 is already in
                out.add(a);
            }
        }
        return out;
    }

    /** Accepts and closes one pending connection, if there is one. */
    private static boolean accepted(ServerSocketChannel ch) {
        try (SocketChannel c = ch.accept()) {
            return c != null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
