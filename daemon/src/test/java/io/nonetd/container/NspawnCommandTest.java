package io.nonetd.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nonetd.config.ServiceConfig;
import io.nonetd.net.Peer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NspawnCommandTest {
    static final Host NOT_BOOTED = new Host("/usr/bin/systemd-nspawn", "/bin/sh", false);
    static final Host BOOTED = new Host("/usr/bin/systemd-nspawn", "/bin/sh", true);

    static ServiceConfig service(ServiceConfig.Handoff handoff, ServiceConfig.Container container) {
        return new ServiceConfig("echo", "echo.conf",
                new ServiceConfig.Service(List.of("/bin/cat", "-u"), handoff, Map.of("B", "2", "A", "1"), Duration.ofSeconds(5)), container, ServiceConfig.Limits.DEFAULTS);
    }

    static final ServiceConfig.Container EMBEDDED = new ServiceConfig.Container(null, "yes", false, null, List.of(), true);

    @Test
    void stdioForwardsFd3AndMovesItToStdioInsideTheContainer() {
        NspawnCommand.Launch l = NspawnCommand.build(service(ServiceConfig.Handoff.STDIO, EMBEDDED), "0000beef", "nonetd-echo-0000beef",
                Peer.inet("10.0.0.9", 4242), NOT_BOOTED);
        assertEquals("/bin/sh", l.path());
        assertFalse(l.connectionOnStdio(), "nspawn keeps no copy of a forwarded fd 3");
        assertEquals(List.of("/bin/sh", "-c", "LISTEN_PID=$$; export LISTEN_PID; exec \"$0\" \"$@\"",
                "/usr/bin/systemd-nspawn", "--quiet", "--private-network", "--drop-capability=CAP_NET_ADMIN",
                "--no-new-privileges=yes", "--machine=nonetd-echo-0000beef", "--register=no", "--keep-unit", "--directory=/", "--volatile=yes",
                "--console=pipe", "--resolv-conf=off", "--link-journal=no",
                "--setenv=REMOTE_ADDR=10.0.0.9", "--setenv=REMOTE_PORT=4242", "--setenv=NONETD_SESSION=0000beef",
                "--setenv=A=1", "--setenv=B=2", "--",
                "/bin/sh", "-c", "unset LISTEN_FDS LISTEN_PID LISTEN_FDNAMES; exec \"$@\" <&3 >&3 3>&-", "nonetd-stdio",
                "/bin/cat", "-u"), l.argv());
        assertEquals(List.of(NspawnCommand.PATH, "LISTEN_FDS=1"), l.env(), "nothing of the daemon's environment reaches nspawn");
    }

    @Test
    void stdioWithoutAShellInTheImageGivesNspawnTheConnectionAsStdio() {
        ServiceConfig.Container noShell = new ServiceConfig.Container(Path.of("/img"), "overlay", false, null, List.of(), false);
        NspawnCommand.Launch l = NspawnCommand.build(service(ServiceConfig.Handoff.STDIO, noShell), "i", "m", Peer.inet("1.2.3.4", 1), NOT_BOOTED);
        assertEquals("/usr/bin/systemd-nspawn", l.path());
        assertTrue(l.connectionOnStdio());
        assertEquals(List.of("--", "/bin/cat", "-u"), l.argv().subList(l.argv().size() - 3, l.argv().size()));
        assertEquals(List.of(NspawnCommand.PATH), l.env());
    }

    @Test
    void listenFdsGoesThroughTheListenPidShim() {
        NspawnCommand.Launch l = NspawnCommand.build(service(ServiceConfig.Handoff.LISTEN_FDS, EMBEDDED), "0000beef", "m",
                Peer.unix(7, 0, 0), NOT_BOOTED);
        assertEquals("/bin/sh", l.path());
        assertEquals(List.of("/bin/sh", "-c", "LISTEN_PID=$$; export LISTEN_PID; exec \"$0\" \"$@\"", "/usr/bin/systemd-nspawn"), l.argv().subList(0, 4));
        assertTrue(l.argv().contains("--setenv=LISTEN_FDNAMES=connection"));
        assertTrue(l.argv().contains("--setenv=REMOTE_ADDR=unix"));
        assertTrue(l.argv().contains("--setenv=REMOTE_UID=0"));
        assertEquals(List.of(NspawnCommand.PATH, "LISTEN_FDS=1"), l.env());
    }

    @Test
    void registersWithMachinedWhenSystemdIsPid1() {
        List<String> argv = NspawnCommand.build(service(ServiceConfig.Handoff.STDIO, EMBEDDED), "i", "m", Peer.inet("1.2.3.4", 1), BOOTED).argv();
        assertFalse(argv.contains("--register=no"));
        assertFalse(argv.contains("--keep-unit"));
    }

    @Test
    void imageFlags() {
        ServiceConfig.Container image = new ServiceConfig.Container(Path.of("/var/lib/machines/app"), "overlay", true, "pick",
                List.of(new ServiceConfig.Bind("/srv/in", "/in", true), new ServiceConfig.Bind("/srv/out", "/srv/out", false)), true);
        List<String> argv = NspawnCommand.build(service(ServiceConfig.Handoff.STDIO, image), "i", "m", Peer.inet("1.2.3.4", 1), NOT_BOOTED).argv();
        int d = argv.indexOf("--directory=/var/lib/machines/app");
        assertEquals(List.of("--directory=/var/lib/machines/app", "--volatile=overlay", "--read-only", "--private-users=pick",
                "--bind-ro=/srv/in:/in", "--bind=/srv/out"), argv.subList(d, d + 6));
        ServiceConfig.Container persistent = new ServiceConfig.Container(Path.of("/img"), "no", false, null, List.of(), true);
        List<String> p = NspawnCommand.build(service(ServiceConfig.Handoff.STDIO, persistent), "i", "m", Peer.inet("1.2.3.4", 1), NOT_BOOTED).argv();
        assertTrue(p.stream().noneMatch(a -> a.startsWith("--volatile")));
    }
}
