package io.nonetd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.nonetd.bus.BusSession;
import io.nonetd.bus.BusStats;
import io.nonetd.bus.Daemon1;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The D-Bus API and nonetctl against a real dbus-daemon that this test starts with a config like
 * the system bus's (deny by default) plus the packaged policy file, packaging/dbus/io.nonetd.conf.
 * The daemon gets the bus through DBUS_SYSTEM_BUS_ADDRESS; nonetctl runs as root and, through
 * runuser, as nobody.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BusIT {
    static final Path POLICY = Path.of(System.getProperty("nonetd.dbus.policy", "../packaging/dbus/io.nonetd.conf")).toAbsolutePath();
    static final String BUS_NAME = "io.nonetd.Daemon.busit";
    static final String CAT = "[Service]\nExecStart=/bin/cat\n";

    static Path dir;
    static Path jar;
    static Process bus;
    static String address;

    /** A world-readable directory (nobody runs nonetctl from it) with the jar, the bus config and the bus socket. */
    @BeforeAll
    static void startBus() throws Exception {
        dir = Files.createTempDirectory("nonetd-busit", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        jar = Files.copy(NonetdProcess.JAR, dir.resolve("nonetd.jar"), StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        Path config = dir.resolve("bus.conf");
        Files.writeString(config, """
                <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
                 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
                <busconfig>
                  <type>system</type>
                  <auth>EXTERNAL</auth>
                  <listen>unix:path=%s</listen>
                  <!-- As /usr/share/dbus-1/system.conf: deny by default, services punch holes. -->
                  <policy context="default">
                    <allow user="*"/>
                    <deny own="*"/>
                    <deny send_type="method_call"/>
                    <allow send_type="signal"/>
                    <allow send_requested_reply="true" send_type="method_return"/>
                    <allow send_requested_reply="true" send_type="error"/>
                    <allow receive_type="method_call"/>
                    <allow receive_type="method_return"/>
                    <allow receive_type="error"/>
                    <allow receive_type="signal"/>
                    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
                    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
                  </policy>
                  <include>%s</include>
                </busconfig>
                """.formatted(dir.resolve("bus.sock"), POLICY));
        bus = new ProcessBuilder("dbus-daemon", "--config-file=" + config, "--nofork", "--print-address=1")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(bus.getInputStream(), StandardCharsets.UTF_8));
        Thread reader = new Thread(() -> {
            try {
                address = r.readLine();
            } catch (IOException ignored) {
                // checked below
            }
        });
        reader.start();
        reader.join(10_000);
        if (address == null) fail("dbus-daemon printed no address within 10s");
    }

    @AfterAll
    static void stopBus() throws Exception {
        if (bus != null) {
            bus.destroy();
            bus.waitFor(10, TimeUnit.SECONDS);
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void withoutADaemonNonetctlSaysSoWithExit3() throws Exception {
        Result r = nonetctl(false, "list");
        assertEquals(3, r.status, r.toString());
        assertEquals("nonetctl: no nonetd daemon is running (no io.nonetd.Daemon.* name on the system bus)\n", r.err);
        assertEquals(3, nonetctl(false, "kill", "deadbeef").status);
        Result noBus = nonetctl(false, Map.of("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=" + dir.resolve("no-such.sock")), "stats");
        assertEquals(3, noBus.status, noBus.toString());
        assertEquals("nonetctl: no nonetd daemon is running (cannot connect to the system bus: Failed to connect to bus: No such file or directory)\n",
                noBus.err);
    }

    @Test
    void withoutABusTheDaemonLogsOneInfoLineAndServes(@org.junit.jupiter.api.io.TempDir Path confDir) throws Exception {
        Path conf = confDir.resolve("busit.conf");
        Files.writeString(conf, CAT);
        try (NonetdProcess d = NonetdProcess.start(Map.of("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=" + dir.resolve("no-such.sock")), List.of(),
                List.of("127.0.0.1:" + NonetdProcess.freePort()), "--config", conf.toString())) {
            assertEquals("hello\n", Client.exchange(d.port(), "hello\n"));
            String line = d.awaitLog("No D-Bus system bus").group();
            assertEquals(1, d.log().stream().filter(l -> l.startsWith("<6>No D-Bus system bus (")
                    && l.endsWith("): the D-Bus API and nonetctl are off")).count(), String.join("\n", d.log()));
            assertTrue(d.log().stream().noneMatch(l -> l.startsWith("<3>") || l.startsWith("<4>")), String.join("\n", d.log()));
            assertNotNull(line);
        }
    }

    @Test
    void sessionsSignalsKillPolicyAndDrain(@org.junit.jupiter.api.io.TempDir Path confDir) throws Exception {
        Path conf = confDir.resolve("busit.conf");
        Files.writeString(conf, CAT);
        try (NonetdProcess d = NonetdProcess.start(Map.of("DBUS_SYSTEM_BUS_ADDRESS", address), List.of(),
                List.of("127.0.0.1:" + NonetdProcess.freePort()), "--config", conf.toString());
             Socket first = Client.connect(d.port())) {
            // systemd-socket-activate starts the daemon at the first connection; then it joins the bus.
            assertEquals("one", echo(first, "one"));
            d.awaitLog("On the system bus as '" + BUS_NAME + "'");

            try (DBusConnection c = DBusConnectionBuilder.forAddress(address).withShared(false).build()) {
                BlockingQueue<Daemon1.SessionNew> news = new LinkedBlockingQueue<>();
                BlockingQueue<Daemon1.SessionRemoved> removed = new LinkedBlockingQueue<>();
                c.addSigHandler(Daemon1.SessionNew.class, news::add);
                c.addSigHandler(Daemon1.SessionRemoved.class, removed::add);
                Daemon1 daemon = c.getRemoteObject(BUS_NAME, "/io/nonetd/Daemon", Daemon1.class);

                try (Socket second = Client.connect(d.port())) {
                    assertEquals("two", echo(second, "two"));
                    int port = second.getLocalPort();
                    Daemon1.SessionNew started = news.poll(10, TimeUnit.SECONDS);
                    assertNotNull(started, "no SessionNew signal within 10s");
                    assertEquals(port, started.remotePort.intValue());
                    assertEquals("127.0.0.1", started.remoteAddress);
                    assertEquals("busit", started.service);
                    String id = started.id;

                    // ListSessions over D-Bus: both sessions, the second with the client's address and port.
                    List<BusSession> sessions = daemon.listSessions();
                    assertEquals(2, sessions.size(), sessions.toString());
                    BusSession s = sessions.stream().filter(x -> x.id.equals(id)).findFirst().orElseThrow();
                    assertEquals("127.0.0.1", s.remoteAddress);
                    assertEquals(port, s.remotePort.intValue());
                    assertTrue(s.leaderPid.intValue() > 1, "leader pid " + s.leaderPid);
                    assertTrue(s.machine.contains(id), s.machine);
                    long ageMicros = System.currentTimeMillis() * 1000 - s.startedUsec.longValue();
                    assertTrue(ageMicros >= 0 && ageMicros < 60_000_000, "started " + s.startedUsec);
                    assertEquals(id, daemon.getSession(id).id);
                    DBusExecutionException e = assertThrows(DBusExecutionException.class, () -> daemon.getSession("nosuch"));
                    assertTrue(name(e).equals("io.nonetd.bus.Error.NoSuchSession"), name(e));
                    BusStats stats = daemon.stats().get(0);
                    assertEquals(2, stats.running.intValue());
                    assertEquals(2, stats.served.longValue());

                    // nonetctl as root: a table and JSON.
                    Result list = nonetctl(false, "list");
                    assertEquals(0, list.status, list.toString());
                    assertTrue(list.out.startsWith("SESSION   SERVICE  REMOTE "), list.out);
                    assertTrue(list.out.lines().anyMatch(l -> l.startsWith(id + "  busit    127.0.0.1:" + port + " ")), list.out);
                    Result json = nonetctl(false, "--json", "list");
                    assertEquals(0, json.status, json.toString());
                    assertTrue(json.out.startsWith("[{\"id\":"), json.out);
                    assertTrue(json.out.contains("{\"id\":\"" + id + "\",\"daemon\":\"" + BUS_NAME + "\",\"service\":\"busit\",\"remote_address\":\"127.0.0.1\",\"remote_port\":" + port + ","), json.out);
                    Result status = nonetctl(false, "status", "busit");
                    assertEquals(0, status.status, status.toString());
                    assertTrue(status.out.startsWith(BUS_NAME + " (pid " + d.pid() + ")\n  sessions: 2 running, 0 queued, 2 served\n"), status.out);
                    Result stats2 = nonetctl(false, "stats", "--json");
                    assertTrue(stats2.status == 0 && stats2.out.contains("\"served\":2,\"running\":2,"), stats2.toString());
                    assertEquals(3, nonetctl(false, "status", "nosuch").status);

                    // nobody may look, not steer.
                    Result nobodyList = nonetctl(true, "list");
                    assertEquals(0, nobodyList.status, nobodyList.toString());
                    assertTrue(nobodyList.out.contains(id), nobodyList.out);
                    assertEquals(0, nonetctl(true, "stats").status);
                    Result denied = nonetctl(true, "kill", id);
                    assertEquals(4, denied.status, denied.toString());
                    assertEquals("nonetctl: access denied: KillSession needs root\n", denied.err);
                    Result reload = nonetctl(true, "reload");
                    assertEquals(4, reload.status, reload.toString());
                    assertEquals("nonetctl: access denied: Reload needs root\n", reload.err);
                    Result drain = nonetctl(true, "drain");
                    assertEquals(4, drain.status, drain.toString());
                    assertEquals("nonetctl: access denied: Drain needs root\n", drain.err);
                    assertEquals(2, daemon.listSessions().size(), "a refused call changed nothing");

                    // nonetctl shell: a shell inside that very session's container.
                    Result shell = nonetctl(Map.of("DBUS_SYSTEM_BUS_ADDRESS", address),
                            "ls /sys/class/net; tr '\\0' '\\n' < /proc/1/environ | grep NONETD_SESSION; exit\n", "shell", id);
                    assertEquals(0, shell.status, shell.toString());
                    assertEquals("lo\nNONETD_SESSION=" + id + "\n", shell.out, shell.toString());

                    // Root kills the session: the client sees EOF, the bus sees SessionRemoved.
                    Result kill = nonetctl(false, "kill", id);
                    assertEquals(0, kill.status, kill.toString());
                    assertEquals("Sent signal 15 to session " + id + " (service 'busit', " + BUS_NAME + ")\n", kill.out);
                    second.setSoTimeout(15_000);
                    try {
                        assertEquals(-1, second.getInputStream().read(), "the client should see EOF");
                    } catch (SocketTimeoutException t) {
                        fail("no EOF within 15s after KillSession");
                    }
                    Daemon1.SessionRemoved end = removed.poll(15, TimeUnit.SECONDS);
                    assertNotNull(end, "no SessionRemoved signal within 15s");
                    assertEquals(id, end.id);
                    assertEquals("killed by an operator with signal 15", end.reason);
                    assertTrue(!end.exitStatus.isEmpty(), "exit status '" + end.exitStatus + "'");
                    d.awaitLog("\\[" + id + "\\] session end: .*, killed by an operator with signal 15$");
                    Result again = nonetctl(false, "kill", id);
                    assertEquals(3, again.status, again.toString());
                    assertEquals("nonetctl: no such session '" + id + "' (asked 1 daemon(s))\n", again.err);
                }

                // Drain: the daemon stops accepting, ends the first session after the timeout and exits 0.
                Result drain = nonetctl(false, "drain", "--timeout", "1");
                assertEquals(0, drain.status, drain.toString());
                assertTrue(d.process().waitFor(30, TimeUnit.SECONDS), "the daemon did not exit within 30s after Drain");
                assertEquals(0, d.process().exitValue(), String.join("\n", d.log()));
            }
        }
        Result after = nonetctl(false, "list");
        assertEquals(3, after.status, after.toString());
    }

    private static String name(DBusExecutionException e) {
        String n = e.getType() != null ? e.getType() : e.getClass().getName();
        return n.replace('$', '.');
    }

    private static String echo(Socket s, String line) throws IOException {
        s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        StringBuilder out = new StringBuilder();
        for (int c; (c = s.getInputStream().read()) != -1 && c != '\n'; ) out.append((char) c);
        return out.toString();
    }

    record Result(int status, String out, String err) {}

    /** Runs nonetctl from the jar copy, as root or as nobody, with a bound on its run time. */
    private static Result nonetctl(boolean asNobody, String... args) throws Exception {
        return nonetctl(asNobody, Map.of("DBUS_SYSTEM_BUS_ADDRESS", address), args);
    }

    /** As root, with {@code input} on nonetctl's stdin. */
    private static Result nonetctl(Map<String, String> env, String input, String... args) throws Exception {
        Path in = Files.createTempFile("nonetctl", ".in");
        try {
            Files.writeString(in, input);
            return run(false, env, in, args);
        } finally {
            Files.deleteIfExists(in);
        }
    }

    private static Result nonetctl(boolean asNobody, Map<String, String> env, String... args) throws Exception {
        return run(asNobody, env, null, args);
    }

    private static Result run(boolean asNobody, Map<String, String> env, Path stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (asNobody) cmd.addAll(List.of("runuser", "-u", "nobody", "--"));
        cmd.add("env");
        env.forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.addAll(List.of("java", "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-cp", jar.toString(),
                "io.nonetd.ctl.Nonetctl"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("nonetctl", ".out"), err = Files.createTempFile("nonetctl", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (stdin != null) pb.redirectInput(stdin.toFile());
            Process p = pb.start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("nonetctl " + String.join(" ", args) + " did not finish within 30s");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
