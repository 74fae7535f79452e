package io.nonetd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a service sees inside its container: only lo, only its connection, a fresh root, who the client is. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ContainerIT {
    @TempDir
    Path dir;

    @Test
    void onlyLoopbackInside() throws Exception {
        try (NonetdProcess d = NonetdProcess.withConfig(dir, "net", "[Service]\nExecStart=/bin/sh -c 'ls /sys/class/net; ip -o link | cut -d: -f2'\n")) {
            assertEquals("lo\n lo\n", Client.exchange(d.port(), ""));
        }
    }

    @Test
    void stdioFdTableIsTheConnectionAndAnOutputPipe() throws Exception {
        try (NonetdProcess d = NonetdProcess.withConfig(dir, "fds", "[Service]\nExecStart=/bin/sh -c 'ls -l /proc/$$$$/fd; true'\n")) {
            Map<Integer, String> fds = fdTable(Client.exchange(d.port(), ""));
            assertEquals(List.of(0, 1, 2), List.copyOf(fds.keySet()), fds.toString());
            assertTrue(fds.get(0).startsWith("socket:["), fds.toString());
            assertEquals(fds.get(0), fds.get(1), "stdin and stdout are the same connection");
            assertTrue(fds.get(2).startsWith("pipe:["), fds.toString());
        }
    }

    @Test
    void listenFdsTableIsTheConnectionAtFd3() throws Exception {
        try (NonetdProcess d = NonetdProcess.withConfig(dir, "fds", "[Service]\nHandoff=listen-fds\nExecStart=/bin/sh -c 'ls -l /proc/$$$$/fd | cat >&3'\n")) {
            Map<Integer, String> fds = fdTable(Client.exchange(d.port(), ""));
            assertEquals(List.of(0, 1, 2, 3), List.copyOf(fds.keySet()), fds.toString());
            assertEquals("/dev/null", fds.get(0));
            assertTrue(fds.get(1).startsWith("pipe:[") && fds.get(1).equals(fds.get(2)), fds.toString());
            assertTrue(fds.get(3).startsWith("socket:["), fds.toString());
        }
    }

    @Test
    void everyConnectionGetsAFreshRoot() throws Exception {
        String config = "[Service]\nExecStart=/bin/sh -c 'if [ -e /mark ]; then echo seen; else echo fresh; fi; echo x > /mark; sleep 1'\n";
        try (NonetdProcess d = NonetdProcess.withConfig(dir, "mark", config)) {
            assertEquals("fresh\n", Client.exchange(d.port(), ""));
            assertEquals("fresh\n", Client.exchange(d.port(), ""), "a file written by the first session is not seen by the second");
            try (Socket a = Client.connect(d.port()); Socket b = Client.connect(d.port())) {
                assertEquals("fresh\n", Client.exchange(a, ""));
                assertEquals("fresh\n", Client.exchange(b, ""), "nor by a concurrent one");
            }
        }
    }

    @Test
    void remoteAddressPortAndSessionId() throws Exception {
        try (NonetdProcess d = NonetdProcess.withConfig(dir, "who", "[Service]\nExecStart=/bin/sh -c 'echo \"$REMOTE_ADDR $REMOTE_PORT $NONETD_SESSION\"'\n");
             Socket s = Client.connect(d.port())) {
            String[] got = Client.exchange(s, "").strip().split(" ");
            assertEquals("127.0.0.1", got[0]);
            assertEquals(Integer.toString(s.getLocalPort()), got[1]);
            Matcher start = d.awaitLog("\\[([0-9a-f]{8})\\] session start: peer 127\\.0\\.0\\.1:" + s.getLocalPort());
            assertEquals(start.group(1), got[2]);
        }
    }

    @Test
    void ipv6PeerAddress() throws Exception {
        Path conf = dir.resolve("who6.conf");
        Files.writeString(conf, "[Service]\nExecStart=/bin/sh -c 'echo \"$REMOTE_ADDR $REMOTE_PORT\"'\n");
        int port = NonetdProcess.freePort();
        try (NonetdProcess d = NonetdProcess.start(List.of(), List.of("[::1]:" + port), "--config", conf.toString());
             Socket s = new Socket()) {
            s.connect(new java.net.InetSocketAddress("::1", port), 10_000);
            s.setSoTimeout(Client.READ_TIMEOUT_MS);
            assertEquals("::1 " + s.getLocalPort() + "\n", Client.exchange(s, ""));
        }
    }

    @Test
    void unixPeerCredentials() throws Exception {
        Path conf = dir.resolve("who.conf");
        Files.writeString(conf, "[Service]\nExecStart=/bin/sh -c 'echo \"$REMOTE_ADDR $REMOTE_UID $REMOTE_GID $REMOTE_PID\"'\n");
        Path sock = dir.resolve("who.sock");
        try (NonetdProcess d = NonetdProcess.start(List.of(), List.of(sock.toString()), "--config", conf.toString())) {
            assertEquals("unix 0 0 " + ProcessHandle.current().pid() + "\n", Client.exchangeUnix(sock, ""));
        }
    }

    /**
     * Parses `ls -l /proc/PID/fd` into fd number -> link target. The services end in "; true" so that
     * the shell forks ls and lists its own table, the one nspawn gave the payload; an exec-ed ls
     * would also show the fd dash saved for the redirection.
     */
    static Map<Integer, String> fdTable(String ls) {
        Map<Integer, String> fds = new TreeMap<>();
        Matcher m = Pattern.compile("(\\d+) -> (\\S+)").matcher(ls);
        while (m.find()) fds.put(Integer.parseInt(m.group(1)), m.group(2));
        return fds;
    }
}
