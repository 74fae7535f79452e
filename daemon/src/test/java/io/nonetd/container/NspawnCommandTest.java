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
    static final Host NOT_BOOTED = new Host("/usr/bin/systemd-nspawn", "/bin/sh", false, true, null);
    static final Host BOOTED = new Host("/usr/bin/systemd-nspawn", "/bin/sh", true, true, null);
    static final Host BOOTED_NO_MACHINED = new Host("/usr/bin/systemd-nspawn", "/bin/sh", true, false, null);
    static final long MB64 = 64L << 20;
    static final ServiceConfig.Container EMBEDDED = new ServiceConfig.Container(null, "yes", false, null, List.of(), true, MB64);

    static ServiceConfig service(ServiceConfig.Handoff handoff, ServiceConfig.Container container) {
        return new ServiceConfig("echo", "echo.conf",
                new ServiceConfig.Service(List.of("/bin/cat", "-u"), handoff, Map.of("B", "2", "A", "1"), Duration.ofSeconds(5)), container,
                ServiceConfig.Limits.DEFAULTS);
    }

    static List<String> argv(ServiceConfig config, Host host) {
        return NspawnCommand.build(config, "i", "m", Peer.inet("1.2.3.4", 1), host, List.of()).argv();
    }

    @Test
    void stdioOnTheEmbeddedDefault() {
        NspawnCommand.Launch l = NspawnCommand.build(service(ServiceConfig.Handoff.STDIO, EMBEDDED), "0000beef", "nonetd-echo-0000beef",
                Peer.inet("10.0.0.9", 4242), NOT_BOOTED, List.of("/sys/fs/cgroup/pids/nonetd/0000beef/cgroup.procs"));
        assertEquals("/bin/sh", l.path());
        assertFalse(l.connectionOnStdio(), "nspawn keeps no copy of a forwarded fd 3");
        assertEquals(List.of("/bin/sh", "-c",
                "echo $$ > '/sys/fs/cgroup/pids/nonetd/0000beef/cgroup.procs' && : || { echo \"nonetd: cannot join the session's cgroups\" >&2; exit 1; }; "
                        + "LISTEN_PID=$$; export LISTEN_PID; exec \"$0\" \"$@\"",
                "/usr/bin/systemd-nspawn", "--quiet", "--settings=no", "--private-network", "--drop-capability=" + NspawnCommand.DROPPED_CAPABILITIES,
                "--no-new-privileges=yes", "--system-call-filter=~@mount", "--machine=nonetd-echo-0000beef", "--register=no", "--keep-unit", "--directory=/", "--volatile=yes",
                "--private-users=pick", "--private-users-ownership=off",
                "--tmpfs=/tmp:size=67108864,mode=1777", "--tmpfs=/dev/shm:size=67108864,mode=1777", "--tmpfs=/var/tmp:size=67108864,mode=1777",
                "--console=pipe", "--resolv-conf=off", "--link-journal=no",
                "--setenv=REMOTE_ADDR=10.0.0.9", "--setenv=REMOTE_PORT=4242", "--setenv=NONETD_SESSION=0000beef",
                "--setenv=A=1", "--setenv=B=2", "--",
                "/bin/sh", "-c", "unset LISTEN_FDS LISTEN_PID LISTEN_FDNAMES; exec \"$@\" <&3 >&3 3>&-", "nonetd-stdio",
                "/bin/cat", "-u"), l.argv());
        assertEquals(List.of(NspawnCommand.PATH, "LISTEN_FDS=1"), l.env(), "nothing of the daemon's environment reaches nspawn");
    }

    @Test
    void stdioWithoutAShellInTheImageGivesNspawnTheConnectionAsStdio() {
        ServiceConfig.Container noShell = new ServiceConfig.Container(Path.of("/img"), "overlay", false, null, List.of(), false, MB64);
        NspawnCommand.Launch l = NspawnCommand.build(service(ServiceConfig.Handoff.STDIO, noShell), "i", "m", Peer.inet("1.2.3.4", 1), NOT_BOOTED, List.of());
        assertTrue(l.connectionOnStdio());
        assertEquals(List.of("--", "/bin/cat", "-u"), l.argv().subList(l.argv().size() - 3, l.argv().size()));
        assertEquals(List.of(NspawnCommand.PATH), l.env());
    }

    @Test
    void listenFdsPassesTheNames() {
        NspawnCommand.Launch l = NspawnCommand.build(service(ServiceConfig.Handoff.LISTEN_FDS, EMBEDDED), "0000beef", "m",
                Peer.unix(7, 0, 0), NOT_BOOTED, List.of());
        assertEquals(List.of("/bin/sh", "-c", "LISTEN_PID=$$; export LISTEN_PID; exec \"$0\" \"$@\"", "/usr/bin/systemd-nspawn"), l.argv().subList(0, 4));
        assertTrue(l.argv().contains("--setenv=LISTEN_FDNAMES=connection"));
        assertTrue(l.argv().contains("--setenv=REMOTE_ADDR=unix"));
        assertTrue(l.argv().contains("--setenv=REMOTE_UID=0"));
        assertEquals(List.of("--", "/bin/cat", "-u"), l.argv().subList(l.argv().size() - 3, l.argv().size()), "the service gets fd 3 as it is");
        assertEquals(List.of(NspawnCommand.PATH, "LISTEN_FDS=1"), l.env());
    }

    @Test
    void whenSystemdIsPid1TheScopeCarriesTheLimits() {
        List<String> a = argv(service(ServiceConfig.Handoff.STDIO, EMBEDDED), BOOTED);
        assertFalse(a.contains("--register=no"));
        assertFalse(a.contains("--keep-unit"));
        assertTrue(a.containsAll(List.of("--property=TasksMax=256", "--property=MemoryMax=536870912")), a.toString());
        assertFalse(a.stream().anyMatch(x -> x.startsWith("--property=CPUQuota")), "no CPUQuota by default");
        assertFalse(argv(service(ServiceConfig.Handoff.STDIO, EMBEDDED), NOT_BOOTED).stream().anyMatch(x -> x.startsWith("--property")));
    }

    @Test
    void withoutMachinedNspawnDoesNotRegisterButKeepsItsScope() {
        List<String> a = argv(service(ServiceConfig.Handoff.STDIO, EMBEDDED), BOOTED_NO_MACHINED);
        assertTrue(a.contains("--register=no"));
        assertFalse(a.contains("--keep-unit"), "a scope of its own carries the limits");
        assertTrue(a.contains("--property=TasksMax=256"));
    }

    @Test
    void imageFlags() {
        ServiceConfig.Container image = new ServiceConfig.Container(Path.of("/var/lib/machines/app"), "overlay", true, "pick",
                List.of(new ServiceConfig.Bind("/srv/in", "/in", true), new ServiceConfig.Bind("/srv/out", "/srv/out", false)), true, MB64);
        List<String> a = argv(service(ServiceConfig.Handoff.STDIO, image), NOT_BOOTED);
        int d = a.indexOf("--directory=/var/lib/machines/app");
        assertEquals(List.of("--directory=/var/lib/machines/app", "--volatile=overlay", "--read-only",
                "--bind-ro=/srv/in:/in", "--bind=/srv/out", "--private-users=pick", "--tmpfs=/tmp:size=67108864,mode=1777"), a.subList(d, d + 7));
        assertFalse(a.contains("--private-users-ownership=off"), "an image's ownership is nspawn's business");
        assertFalse(a.contains("--tmpfs=/var/tmp:size=67108864,mode=1777"), "an image may not have /var/tmp");
        ServiceConfig.Container persistent = new ServiceConfig.Container(Path.of("/img"), "no", false, null, List.of(), true, MB64);
        List<String> p = argv(service(ServiceConfig.Handoff.STDIO, persistent), NOT_BOOTED);
        assertTrue(p.stream().noneMatch(x -> x.startsWith("--volatile")));
        assertTrue(p.contains("--oom-score-adjust=1000"), "without a user namespace the OOM killer is pointed at the service");
        assertFalse(p.stream().anyMatch(x -> x.startsWith("--private-users")), "no user namespace for an image unless asked");
    }

    @Test
    void privateUsersNoTurnsOffTheDefault() {
        ServiceConfig.Container c = new ServiceConfig.Container(null, "yes", false, "no", List.of(), true, MB64);
        assertTrue(argv(service(ServiceConfig.Handoff.STDIO, c), NOT_BOOTED).stream().noneMatch(x -> x.startsWith("--private-users")));
    }

    static final Helper HELPER = new Helper(Path.of("/run/nonetd/helper.42"), true);

    @Test
    void fastSpawnTurnsNspawnsFilterOffOnlyWithOursInPlace() {
        NspawnCommand.Mode mode = new NspawnCommand.Mode(HELPER, false, "1879048192:65536");
        NspawnCommand.Launch l = NspawnCommand.build(service(ServiceConfig.Handoff.STDIO, EMBEDDED), "i", "m", Peer.inet("1.2.3.4", 1), NOT_BOOTED, List.of(), mode);
        assertEquals(List.of(NspawnCommand.PATH, "LISTEN_FDS=1", "SYSTEMD_SECCOMP=0"), l.env());
        List<String> argv = l.argv();
        assertEquals("/run/nonetd/helper.42/nonetd-helper", l.path(), "the static helper runs nspawn, not a shell");
        assertEquals(List.of("/run/nonetd/helper.42/nonetd-helper", "nspawn", "--", "/usr/bin/systemd-nspawn"), argv.subList(0, 4));
        assertTrue(argv.contains("--bind-ro=/run/nonetd/helper.42:/run/nonetd"));
        assertTrue(argv.contains("--private-users=1879048192:65536"), "nonetd's own range instead of pick");
        assertTrue(argv.contains("--drop-capability=" + NspawnCommand.DROPPED_BEFORE_HELPER));
        assertFalse(NspawnCommand.DROPPED_BEFORE_HELPER.contains("CAP_SETPCAP"), "the helper needs it to drop everything");
        assertEquals(List.of("--", "/run/nonetd/nonetd-helper", "exec", "--filter", "/run/nonetd/filter.bpf", "--drop-caps", "--stdio", "--",
                "/bin/cat", "-u"), payload(argv));
        assertFalse(argv.contains("--setenv=LISTEN_FDNAMES=connection"), "the helper sets LISTEN_* itself");
    }

    @Test
    void nspawnsFilterStaysWhenAskedForOrWithoutAnUnprivilegedRoot() {
        ServiceConfig.Container asked = new ServiceConfig.Container(null, "yes", false, null, List.of(), true, MB64, ServiceConfig.Seccomp.NSPAWN);
        ServiceConfig.Container rootIsRoot = new ServiceConfig.Container(null, "yes", false, "no", List.of(), true, MB64);
        ServiceConfig.Container noFilter = EMBEDDED;
        NspawnCommand.Mode withHelper = new NspawnCommand.Mode(HELPER, false, null);
        NspawnCommand.Mode helperWithoutFilter = new NspawnCommand.Mode(new Helper(Path.of("/run/nonetd/helper.42"), false), false, null);
        for (var c : List.of(Map.entry(asked, withHelper), Map.entry(rootIsRoot, withHelper), Map.entry(noFilter, helperWithoutFilter))) {
            NspawnCommand.Launch l = NspawnCommand.build(service(ServiceConfig.Handoff.STDIO, c.getKey()), "i", "m", Peer.inet("1.2.3.4", 1), NOT_BOOTED, List.of(), c.getValue());
            assertFalse(l.env().contains("SYSTEMD_SECCOMP=0"), c.toString());
            assertTrue(l.argv().contains("--drop-capability=" + NspawnCommand.DROPPED_CAPABILITIES), c.toString());
        }
    }

    @Test
    void aWarmContainerWaitsForItsConnectionAndPeer() {
        NspawnCommand.Mode mode = new NspawnCommand.Mode(HELPER, true, null);
        NspawnCommand.Launch l = NspawnCommand.build(service(ServiceConfig.Handoff.LISTEN_FDS, EMBEDDED), "0000cafe", "m", null, NOT_BOOTED,
                List.of("/sys/fs/cgroup/pids/nonetd/0000cafe/cgroup.procs"), mode);
        List<String> argv = l.argv();
        assertTrue(argv.stream().noneMatch(a -> a.startsWith("--setenv=REMOTE_")), "the peer comes with the connection");
        assertTrue(argv.contains("--setenv=NONETD_SESSION=0000cafe"));
        assertEquals(List.of("/run/nonetd/helper.42/nonetd-helper", "nspawn", "--cgroup", "/sys/fs/cgroup/pids/nonetd/0000cafe/cgroup.procs", "--"),
                argv.subList(0, 5), "the helper joins the session's cgroups before it execs nspawn");
        assertEquals(List.of("--", "/run/nonetd/nonetd-helper", "wait", "--filter", "/run/nonetd/filter.bpf", "--drop-caps", "--", "/bin/cat", "-u"),
                payload(argv));
        assertFalse(l.connectionOnStdio(), "fd 3 is the handoff socket");
    }

    /** From nspawn's own "--" on: what runs inside the container. */
    static List<String> payload(List<String> argv) {
        int nspawn = argv.indexOf("/usr/bin/systemd-nspawn");
        return argv.subList(nspawn + argv.subList(nspawn, argv.size()).indexOf("--"), argv.size());
    }
}
