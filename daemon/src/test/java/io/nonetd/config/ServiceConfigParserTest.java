package io.nonetd.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ServiceConfigParserTest {
    @TempDir
    static Path tmp;

    static Path osTree() throws Exception {
        Path tree = tmp.resolve("tree");
        Files.createDirectories(tree.resolve("usr/lib"));
        Files.writeString(tree.resolve("usr/lib/os-release"), "ID=debian\n");
        return tree;
    }

    @Test
    void readsEveryKey() throws Exception {
        Path tree = osTree();
        ServiceConfig c = ServiceConfigParser.parse("echo", "echo.conf", """
                [Service]
                ExecStart=/usr/bin/app --name %i "two words" $FLAGS
                Handoff=listen-fds
                Environment=FLAGS="-v -q" GREETING=hi
                Environment=LANG=C.UTF-8
                TimeoutStopSec=2s
                [Container]
                Directory=%s
                Volatile=state
                ReadOnly=yes
                PrivateUsers=pick
                Bind=/tmp
                BindReadOnly=/etc/hostname:/etc/host-name
                Seccomp=precompiled
                [Pool]
                Warm=4
                """.replace("%s", tree.toString()));
        assertEquals("echo", c.name());
        assertEquals(List.of("/usr/bin/app", "--name", "echo", "two words", "-v", "-q"), c.service().execStart());
        assertEquals(ServiceConfig.Handoff.LISTEN_FDS, c.service().handoff());
        assertEquals(Map.of("FLAGS", "-v -q", "GREETING", "hi", "LANG", "C.UTF-8"), c.service().environment());
        assertEquals(Duration.ofSeconds(2), c.service().stopTimeout());
        assertEquals(tree, c.container().directory());
        assertEquals("state", c.container().volatileMode());
        assertTrue(c.container().readOnly());
        assertEquals("pick", c.container().privateUsers());
        assertEquals(List.of(new ServiceConfig.Bind("/tmp", "/tmp", false), new ServiceConfig.Bind("/etc/hostname", "/etc/host-name", true)), c.container().binds());
        assertEquals(ServiceConfig.Seccomp.PRECOMPILED, c.container().seccomp());
        assertEquals(4, c.pool().warm());
    }

    @Test
    void fastSpawnIsTheDefaultWhereverRootInsideIsUnprivileged() throws Exception {
        ServiceConfig embedded = ServiceConfigParser.parse("x", "x.conf", "[Service]\nExecStart=/bin/cat\n");
        assertEquals(ServiceConfig.Seccomp.PRECOMPILED, embedded.container().effectiveSeccomp());
        assertEquals(0, embedded.pool().warm(), "no pool unless asked");
        String image = "[Service]\nExecStart=/bin/cat\n[Container]\nDirectory=" + osTree() + "\n";
        assertEquals(ServiceConfig.Seccomp.NSPAWN, ServiceConfigParser.parse("x", "x.conf", image).container().effectiveSeccomp(),
                "an image without a user namespace keeps nspawn's filter");
        assertEquals(ServiceConfig.Seccomp.PRECOMPILED, ServiceConfigParser.parse("x", "x.conf", image + "PrivateUsers=pick\n").container().effectiveSeccomp());
        assertEquals(ServiceConfig.Seccomp.NSPAWN, ServiceConfigParser.parse("x", "x.conf", image + "PrivateUsers=identity\n").container().effectiveSeccomp());
        assertEquals(ServiceConfig.Seccomp.NSPAWN, ServiceConfigParser.parse("x", "x.conf", image + "PrivateUsers=yes\n").container().effectiveSeccomp(),
                "'yes' takes the image owner's uid, root for most trees");
        assertEquals(ServiceConfig.Seccomp.PRECOMPILED, ServiceConfigParser.parse("x", "x.conf", image + "PrivateUsers=100000:65536\n").container().effectiveSeccomp());
        assertEquals(ServiceConfig.Seccomp.NSPAWN, ServiceConfigParser.parse("x", "x.conf",
                "[Service]\nExecStart=/bin/cat\n[Container]\nSeccomp=nspawn\n").container().effectiveSeccomp());
    }

    @Test
    void defaultsAreTheSafeOnes() throws Exception {
        ServiceConfig c = ServiceConfigParser.parse("x", "x.conf", "[Service]\nExecStart=/bin/cat\n");
        assertEquals(ServiceConfig.Handoff.STDIO, c.service().handoff());
        assertTrue(c.container().embedded());
        assertEquals("yes", c.container().volatileMode());
        assertFalse(c.container().readOnly());
        assertNull(c.container().privateUsers());
        ServiceConfig image = ServiceConfigParser.parse("x", "x.conf", "[Service]\nExecStart=/bin/cat\n[Container]\nDirectory=" + osTree() + "\n");
        assertEquals("overlay", image.container().volatileMode(), "an image is never written to unless asked");
    }

    @Test
    void anEscapedSemicolonIsALiteralArgument() throws Exception {
        assertEquals(List.of("/usr/bin/find", ".", "-exec", "echo", "{}", ";"),
                ServiceConfigParser.parse("x", "x.conf", "[Service]\nExecStart=/usr/bin/find . -exec echo {} \\;\n").service().execStart());
    }

    @Test
    void laterAssignmentsWinAndEmptyResets() throws Exception {
        ServiceConfig c = ServiceConfigParser.parse("x", "x.conf", "[Service]\nExecStart=/bin/a\nExecStart=/bin/b\nEnvironment=A=1\nEnvironment=\nEnvironment=B=2\n");
        assertEquals(List.of("/bin/b"), c.service().execStart());
        assertEquals(Map.of("B", "2"), c.service().environment());
    }

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                Arguments.of("[Service]\nExecStart=/bin/cat\nFoo=bar\n", "bad.conf:3: Foo=: unknown key in section [Service]"),
                Arguments.of("[Service]\nexecstart=/bin/cat\n", "bad.conf:2: execstart=: unknown key in section [Service]; did you mean 'ExecStart'?"),
                Arguments.of("[Service]\nExecStart=/bin/cat\n[Network]\nPort=1\n", "bad.conf:3: unknown section [Network], expected [Service], [Container], [Limits] or [Pool]"),
                Arguments.of("[Service]\nExecStart=/bin/cat\n[Container]\nSeccomp=fast\n", "bad.conf:4: Seccomp=: invalid value 'fast', expected 'nspawn' or 'precompiled'"),
                Arguments.of("[Service]\nExecStart=/bin/cat\n[Container]\nSeccomp=precompiled\nPrivateUsers=no\n", "bad.conf:4: Seccomp=: 'precompiled' turns "
                        + "nspawn's own filter off, which is safe only when root in the container is an unprivileged host uid; set PrivateUsers=pick "
                        + "(or UID:RANGE with UID > 0) in [Container], or use Seccomp=nspawn"),
                Arguments.of("[Service]\nExecStart=/bin/cat\n[Container]\nSeccomp=precompiled\nPrivateUsers=identity\n", "bad.conf:4: Seccomp=: 'precompiled' turns "
                        + "nspawn's own filter off, which is safe only when root in the container is an unprivileged host uid; set PrivateUsers=pick "
                        + "(or UID:RANGE with UID > 0) in [Container], or use Seccomp=nspawn"),
                Arguments.of("[Service]\nExecStart=/bin/cat\n[Pool]\nWarm=65\n", "bad.conf:4: Warm=: is 65, more than MaxSessions=64; the pool counts against MaxSessions"),
                Arguments.of("[Service]\nExecStart=/bin/cat\n[Pool]\nWarm=-1\n", "bad.conf:4: Warm=: must be from 0 to 256, got -1"),
                Arguments.of("[Service]\nExecStart=/bin/cat\n[Pool]\nwarm=1\n", "bad.conf:4: warm=: unknown key in section [Pool]; did you mean 'Warm'?"),
                Arguments.of("[Service]\nHandoff=stdio\n", "bad.conf:1: ExecStart=: missing in section [Service]; it says what runs in the container"),
                Arguments.of("# nothing\n", "bad.conf:1: ExecStart=: missing in section [Service]; it says what runs in the container"),
                Arguments.of("[Service]\nExecStart=/bin/cat\nHandoff=pipe\n", "bad.conf:3: Handoff=: invalid value 'pipe', expected 'stdio' or 'listen-fds'"),
                Arguments.of("[Service]\nExecStart=/bin/sh -c 'echo\n", "bad.conf:2: ExecStart=: unbalanced quotes in '/bin/sh -c 'echo'"),
                Arguments.of("[Service]\nExecStart=-/bin/cat\n", "bad.conf:2: ExecStart=: prefix '-' is not supported; give the plain command"),
                Arguments.of("[Service]\nExecStart=/bin/a ; /bin/b\n", "bad.conf:2: ExecStart=: only one command line is supported; write '\\;' for a literal semicolon"),
                Arguments.of("[Service]\nExecStart=/bin/cat %h\n", "bad.conf:2: ExecStart=: unsupported specifier '%h'; only %i and %% are known, write '%%' for a percent sign"),
                Arguments.of("[Service]\nExecStart=/bin/cat\nEnvironment=NOVALUE\n", "bad.conf:3: Environment=: expected NAME=VALUE, got 'NOVALUE'"),
                Arguments.of("[Service]\nExecStart=/bin/cat\nEnvironment=REMOTE_ADDR=1.2.3.4\n", "bad.conf:3: Environment=: REMOTE_ADDR is set by nonetd and cannot be overridden"),
                Arguments.of("[Service]\nExecStart=/bin/cat\nTimeoutStopSec=soon\n", "bad.conf:3: TimeoutStopSec=: bad time span 'soon', expected e.g. '30s', '500ms' or '1min 30s'"),
                Arguments.of("[Service]\nExecStart=/bin/cat\n[Container]\nDirectory=/nonexistent/tree\n", "bad.conf:4: Directory=: directory '/nonexistent/tree' does not exist"),
                Arguments.of("[Service]\nExecStart=/bin/cat\n[Container]\nDirectory=/proc/self\n", "bad.conf:4: Directory=: '/proc/self' is not an OS tree: it has neither usr/lib/os-release nor etc/os-release"),
                Arguments.of("[Service]\nExecStart=/bin/cat\n[Container]\nDirectory=/\n", "bad.conf:4: Directory=: '/' would hand the host's root to the service; leave Directory= empty for the embedded default"),
                Arguments.of("[Service]\nExecStart=/bin/cat\n[Container]\nDirectory=relative/dir\n", "bad.conf:4: Directory=: path 'relative/dir' is not absolute"),
                Arguments.of("[Service]\nExecStart=/bin/cat\n[Container]\nVolatile=overlay\n", "bad.conf:4: Volatile=: must be 'yes' with the embedded default (no Directory=): 'overlay' would expose the host's root directory"),
                Arguments.of("[Service]\nExecStart=/bin/cat\n[Container]\nVolatile=sometimes\n", "bad.conf:4: Volatile=: invalid value 'sometimes', expected yes, no, state or overlay"),
                Arguments.of("[Service]\nExecStart=/bin/cat\n[Container]\nReadOnly=perhaps\n", "bad.conf:4: ReadOnly=: invalid boolean 'perhaps', expected yes or no"),
                Arguments.of("[Service]\nExecStart=/bin/cat\n[Container]\nPrivateUsers=lots\n", "bad.conf:4: PrivateUsers=: invalid value 'lots', expected yes, no, pick, identity, UID or UID:RANGE"),
                Arguments.of("[Service]\nExecStart=/bin/cat\n[Container]\nBind=/does/not/exist\n", "bad.conf:4: Bind=: source '/does/not/exist' does not exist"),
                Arguments.of("[Service]\nExecStart=/bin/cat\n[Container]\nBindReadOnly=/tmp:rel\n", "bad.conf:4: BindReadOnly=: path 'rel' is not absolute"),
                Arguments.of("ExecStart=/bin/cat\n", "bad.conf:1: ExecStart=: assignment outside of any section; start with [Service]"),
                Arguments.of("[Service\nExecStart=/bin/cat\n", "bad.conf:1: bad section header '[Service', expected [Name]"),
                Arguments.of("[Service]\nthis is not an assignment\n", "bad.conf:2: expected Key=value or [Section], got 'this is not an assignment'"),
                Arguments.of("[Service]\nExecStart=$NOTHING\n", "bad.conf:2: ExecStart=: expands to an empty command line"),
                Arguments.of("[Service]\nExecStart=${NOTHING} /bin/cat\n", "bad.conf:2: ExecStart=: expands to an empty program name"),
                Arguments.of("[Limits]\nMaxSessions=0\n[Service]\nExecStart=/bin/cat\n", "bad.conf:2: MaxSessions=: must be from 1 to 100000, got 0"),
                Arguments.of("[Service]\nExecStart=/bin/cat\n[Limits]\nMemoryMax=lots\n", "bad.conf:4: MemoryMax=: expected a size such as 512M or 2G, or 'infinity', got 'lots'"),
                Arguments.of("[Service]\nExecStart=/bin/cat\n[Limits]\nCPUQuota=50\n", "bad.conf:4: CPUQuota=: expected a percentage such as 50% or 200%, got '50'"),
                Arguments.of("[Service]\nExecStart=/bin/cat\n[Limits]\nRateLimit=fast\n", "bad.conf:4: RateLimit=: expected sessions per second such as 5 or 0.5, or 'infinity', got 'fast'"));
    }

    @ParameterizedTest
    @MethodSource("badConfigs")
    void refusesBadFilesNamingFileLineAndKey(String text, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> ServiceConfigParser.parse("bad", "bad.conf", text));
        assertEquals(expected, e.getMessage());
    }

    @Test
    void loadNamesTheServiceAfterTheFile() throws Exception {
        Path f = tmp.resolve("web.conf");
        Files.writeString(f, "[Service]\nExecStart=/bin/cat\n");
        assertEquals("web", ServiceConfigParser.load(f).name());
        ConfigException missing = assertThrows(ConfigException.class, () -> ServiceConfigParser.load(tmp.resolve("none.conf")));
        assertTrue(missing.getMessage().startsWith(tmp.resolve("none.conf") + ": cannot read: NoSuchFileException"), missing.getMessage());
        Files.write(tmp.resolve("bin.conf"), new byte[] {(byte) 0xff, (byte) 0xfe, 0});
        assertEquals(tmp.resolve("bin.conf") + ": file is not valid UTF-8", assertThrows(ConfigException.class, () -> ServiceConfigParser.load(tmp.resolve("bin.conf"))).getMessage());
    }

    @Test
    void commandLineServiceUsesAllDefaults() {
        ServiceConfig c = ServiceConfigParser.fromCommand(List.of("/usr/bin/rev"));
        assertEquals("rev", c.name());
        assertEquals(List.of("/usr/bin/rev"), c.service().execStart());
        assertTrue(c.container().embedded());
    }
}
