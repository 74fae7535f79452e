package io.nonetd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compromised service tries to get out. A probe script, bound read-only into the container,
 * runs the attempt the client names and prints one line per attempt: "blocked ..." or "ESCAPED ...".
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EscapeIT {
    static final String PROBE = """
            #!/bin/bash
            read -r what arg
            try() { local name=$1; shift; if ( "$@" ) >/dev/null 2>&1; then echo "ESCAPED $name"; else echo "blocked $name"; fi; }
            perl_socket() { perl -e "use Socket; socket(my \\$s, $1, $2, $3) or die" ; }
            case $what in
              connect) for target in $arg; do try "connect $target" bash -c "exec 3<>/dev/tcp/${target%/*}/${target##*/}"; done ;;
              interfaces)
                try "ip link add dummy" ip link add d0 type dummy
                try "ip link add veth" ip link add v0 type veth peer name v1
                try "ip link set lo down" ip link set lo down
                ip -o link | cut -d: -f2 | tr -d ' ' | sed 's/^/link /' ;;
              sockets)
                try "raw socket" perl_socket 2 3 1
                try "packet socket" perl_socket 17 3 0
                try "raw ipv6 socket" perl_socket 10 3 58 ;;
              shadow)
                try "read /etc/shadow" cat /etc/shadow
                try "read /proc/1/root/etc/shadow" cat /proc/1/root/etc/shadow
                try "read host shadow via /run/host" cat /run/host/etc/shadow ;;
              mount)
                try "mount tmpfs" mount -t tmpfs none /tmp
                try "unshare a mount namespace" unshare -m true
                try "mount in a nested user namespace" unshare -Urm mount -t tmpfs none /tmp
                try "remount / read-write" mount -o remount,rw /
                try "remount the host's /usr read-write" mount -o remount,bind,rw /usr
                try "write into /usr" touch /usr/.nonetd-escape-probe ;;
              outside)
                try "signal host pid $arg" kill -0 "$arg"
                try "ptrace host pid $arg" perl -e "syscall(101, 16, $arg, 0, 0) == 0 or die"
                try "see the daemon" bash -c "cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\\\0' ' ' | grep -q nonetd[.]jar"
                echo "processes $(ls /proc | grep -cE '^[0-9]+$')" ;;
              write) echo "$arg" > /secret; echo written; sleep 3 ;;
              look)
                try "find another session's file" bash -c "find / -xdev -name secret 2>/dev/null | grep -q ."
                try "see another session's machine" bash -c "ls /run/systemd/nspawn 2>/dev/null | grep -q nonetd" ;;
            esac
            """;

    @TempDir
    Path dir;
    NonetdProcess daemon;

    @BeforeEach
    void start() throws Exception {
        Path probe = dir.resolve("probe.sh");
        Files.writeString(probe, PROBE);
        daemon = NonetdProcess.withConfig(dir, "escape", "[Service]\nExecStart=/bin/bash /probe.sh\n[Container]\nBindReadOnly=" + probe + ":/probe.sh\n"
                + "[Limits]\nRateLimit=infinity\n");
    }

    @AfterEach
    void stop() throws Exception {
        daemon.close();
    }

    private List<String> attempt(String what) throws Exception {
        String out = Client.exchange(daemon.port(), what + "\n");
        List<String> lines = List.of(out.split("\n"));
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("ESCAPED")), out);
        return lines;
    }

    @Test
    void cannotConnectToTheHostAnywhere() throws Exception {
        List<ServerSocket> listeners = new ArrayList<>();
        AtomicInteger accepted = new AtomicInteger();
        StringBuilder targets = new StringBuilder();
        try {
            List<InetAddress> addresses = new ArrayList<>(List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1")));
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (!a.isLoopbackAddress() && !a.isLinkLocalAddress()) addresses.add(a);
                }
            }
            for (InetAddress a : addresses) {
                ServerSocket ss = new ServerSocket();
                ss.bind(new InetSocketAddress(a, 0));
                listeners.add(ss);
                Thread t = new Thread(() -> {
                    while (true) {
                        try (Socket s = ss.accept()) {
                            accepted.incrementAndGet();
                        } catch (Exception closed) {
                            return;
                        }
                    }
                });
                t.setDaemon(true);
                t.start();
                String host = a instanceof Inet6Address ? a.getHostAddress().replaceFirst("%.*", "") : a.getHostAddress();
                targets.append(host).append('/').append(ss.getLocalPort()).append(' ');
                try (Socket self = new Socket(a, ss.getLocalPort())) { // the listener works from the host
                    self.getOutputStream().write(1);
                }
            }
            assertTrue(Host.eventually(5000, () -> accepted.get() == listeners.size()));
            List<String> lines = attempt("connect " + targets.toString().strip());
            assertEquals(listeners.size(), lines.stream().filter(l -> l.startsWith("blocked connect")).count(), String.join("\n", lines));
            Thread.sleep(300);
            assertEquals(listeners.size(), accepted.get(), "no connection from inside reached a host listener");
        } finally {
            for (ServerSocket ss : listeners) ss.close();
        }
    }

    @Test
    void cannotCreateInterfacesAndSeesOnlyLoopback() throws Exception {
        List<String> lines = attempt("interfaces");
        assertEquals(List.of("blocked ip link add dummy", "blocked ip link add veth", "blocked ip link set lo down", "link lo"), lines);
    }

    @Test
    void cannotOpenRawOrPacketSockets() throws Exception {
        assertEquals(List.of("blocked raw socket", "blocked packet socket", "blocked raw ipv6 socket"), attempt("sockets"));
    }

    @Test
    void cannotReadTheHostsShadow() throws Exception {
        assertEquals(3, attempt("shadow").stream().filter(l -> l.startsWith("blocked")).count());
    }

    @Test
    void cannotMount() throws Exception {
        assertEquals(List.of("blocked mount tmpfs", "blocked unshare a mount namespace", "blocked mount in a nested user namespace",
                "blocked remount / read-write",
                "blocked remount the host's /usr read-write", "blocked write into /usr"), attempt("mount"));
        assertTrue(!Files.exists(Path.of("/usr/.nonetd-escape-probe")));
    }

    @Test
    void cannotSeeSignalOrPtraceAnythingOutside() throws Exception {
        long daemonPid = daemon.pid();
        List<String> lines = attempt("outside " + daemonPid);
        assertEquals(List.of("blocked signal host pid " + daemonPid, "blocked ptrace host pid " + daemonPid, "blocked see the daemon"), lines.subList(0, 3));
        int processes = Integer.parseInt(lines.get(3).substring("processes ".length()));
        assertTrue(processes <= 5, "the container sees only its own few processes: " + processes);
        assertTrue(ProcessHandle.of(daemonPid).map(ProcessHandle::isAlive).orElse(false), "the daemon is unharmed");
    }

    @Test
    void cannotReachAnotherSessionsFiles() throws Exception {
        try (Socket writer = Client.connect(daemon.port())) {
            writer.getOutputStream().write("write top-secret\n".getBytes());
            assertEquals('w', writer.getInputStream().read(), "the other session is running and has written its file");
            assertEquals(List.of("blocked find another session's file", "blocked see another session's machine"), attempt("look"));
        }
    }
}
