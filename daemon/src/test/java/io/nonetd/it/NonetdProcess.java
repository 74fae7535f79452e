package io.nonetd.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real daemon jar under {@code systemd-socket-activate} (a stand-in for a .socket unit with
 * Accept=no). systemd-socket-activate execs the daemon in place at the first connection, so
 * {@link #pid()} is the daemon's pid from then on. Collects the daemon's log lines.
 */
final class NonetdProcess implements AutoCloseable {
    static final Path JAR = Path.of(System.getProperty("nonetd.jar", "target/nonetd.jar"));
    /** The JVM flags of the packaged launcher (packaging/bin/nonetd), so tests measure what ships. */
    static final List<String> JVM = List.of("-Xss512k", "-Xms8m", "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xshare:auto", "-XX:-UsePerfData", "-XX:+ExitOnOutOfMemoryError");

    private final Process process;
    private final List<String> log = new ArrayList<>();
    final List<String> addresses;

    private NonetdProcess(Process process, List<String> addresses) {
        this.process = process;
        this.addresses = addresses;
        Thread reader = new Thread(this::readLog, "nonetd-log-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the daemon on {@code addresses} (HOST:PORT or /path.sock) with extra systemd-socket-activate flags first. */
    static NonetdProcess start(List<String> activateFlags, List<String> addresses, String... daemonArgs) throws IOException {
        return start(java.util.Map.of(), activateFlags, addresses, daemonArgs);
    }

    /** As above, with extra environment variables for the daemon (NOTIFY_SOCKET, ...). */
    static NonetdProcess start(java.util.Map<String, String> env, List<String> activateFlags, List<String> addresses, String... daemonArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("systemd-socket-activate"));
        for (String a : addresses) cmd.addAll(List.of("-l", a));
        cmd.addAll(activateFlags);
        // systemd-socket-activate builds the daemon's environment afresh: only -E variables pass.
        env.forEach((k, v) -> cmd.addAll(List.of("-E", k + "=" + v)));
        if (daemonArgs.length > 0 && daemonArgs[0].equals("__raw__")) {
            cmd.addAll(List.of(daemonArgs).subList(1, daemonArgs.length));
        } else {
            cmd.add("java");
            cmd.addAll(JVM);
            cmd.addAll(List.of("-jar", JAR.toString()));
            cmd.addAll(List.of(daemonArgs));
        }
        NonetdProcess d = new NonetdProcess(new ProcessBuilder(cmd).redirectErrorStream(true).start(), addresses);
        try {
            d.awaitLog("^Listening on .* as \\d+\\.$", addresses.size(), Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return d;
    }

    /** One service from a config text, listening on a fresh loopback port. */
    static NonetdProcess withConfig(Path dir, String name, String config) throws IOException {
        Path file = dir.resolve(name + ".conf");
        Files.writeString(file, config);
        return start(List.of(), List.of("127.0.0.1:" + freePort()), "--config", file.toString());
    }

    /**
     * The daemon restarted in a loop by a shell that keeps the listening socket, as systemd does
     * for a .socket unit: kill the daemon and the next one takes over the same socket.
     */
    static NonetdProcess startSupervised(String address, String... daemonArgs) throws IOException {
        StringBuilder exec = new StringBuilder("exec java " + String.join(" ", JVM) + " -jar " + JAR);
        for (String a : daemonArgs) exec.append(" '").append(a).append("'");
        String loop = "while :; do sh -c 'LISTEN_PID=$$; export LISTEN_PID; " + exec.toString().replace("'", "'\\''") + "'; sleep 0.2; done";
        return start(List.of(), List.of(address), "__raw__", "sh", "-c", loop);
    }

    /** The pid of the current daemon under {@link #startSupervised}. */
    long daemonPid() throws InterruptedException {
        long[] pid = {-1};
        Host.eventually(20_000, () -> {
            pid[0] = Host.childrenOf(pid()).stream().filter(p -> p.cmdline().contains("nonetd.jar") && p.state() != 'Z')
                    .mapToLong(Host.Proc::pid).findFirst().orElse(-1);
            return pid[0] > 0;
        });
        if (pid[0] < 0) fail("no daemon under the supervising shell " + pid());
        return pid[0];
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    int port() {
        return Integer.parseInt(addresses.get(0).substring(addresses.get(0).lastIndexOf(':') + 1));
    }

    long pid() {
        return process.pid();
    }

    Process process() {
        return process;
    }

    private void readLog() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (log) {
                    log.add(line);
                    log.notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the process is gone
        }
    }

    List<String> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /** Waits for {@code count} log lines matching {@code regex}; returns the matches. */
    List<Matcher> awaitLog(String regex, int count, Duration timeout) throws InterruptedException {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (log) {
            while (true) {
                List<Matcher> found = new ArrayList<>();
                for (String line : log) {
                    Matcher m = p.matcher(line);
                    if (m.find()) found.add(m);
                }
                if (found.size() >= count) return found;
                long left = deadline - System.nanoTime();
                if (left <= 0) fail("waited " + timeout + " for " + count + " log lines matching /" + regex + "/, found " + found.size() + "; log:\n" + String.join("\n", log));
                log.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    Matcher awaitLog(String regex) throws InterruptedException {
        return awaitLog(regex, 1, Duration.ofSeconds(30)).get(0);
    }

    /** SIGTERM, then the exit code. */
    int stop(Duration timeout) throws InterruptedException {
        process.toHandle().destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) fail("daemon did not exit within " + timeout + "; log:\n" + String.join("\n", log()));
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        for (Host.Proc child : Host.childrenOf(pid())) { // a supervised daemon: stop the loop's current daemon too
            if (child.cmdline().contains("nonetd.jar")) ProcessHandle.of(child.pid()).ifPresent(ProcessHandle::destroy);
        }
        if (process.isAlive()) {
            process.destroy(); // SIGTERM: the daemon stops its sessions; SIGKILL would orphan them
            if (process.waitFor(20, TimeUnit.SECONDS)) return;
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
