package io.nonetd.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nonetd.config.ServiceConfigParser;
import io.nonetd.net.Peer;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeftoverTest {
    @Test
    void readsBackTheCommandLineNspawnCommandWrites() {
        List<String> argv = NspawnCommand.build(ServiceConfigParser.fromCommand(List.of("/bin/cat")), "0000beef",
                SessionId.machineName("cat", "0000beef"), Peer.inet("10.0.0.9", 4242), NspawnCommandTest.NOT_BOOTED, List.of()).argv();
        List<String> nspawnArgv = argv.subList(argv.indexOf("/usr/bin/systemd-nspawn"), argv.size()); // what /proc shows after the exec
        Leftover l = Leftover.parse(77, nspawnArgv);
        assertEquals(new Leftover(77, "0000beef", "nonetd-cat-0000beef", Peer.inet("10.0.0.9", 4242), -1), l);
        assertTrue(l.belongsTo("cat"));
        assertFalse(l.belongsTo("ca"));
    }

    @Test
    void ignoresOtherProcesses() {
        assertNull(Leftover.parse(1, List.of("/usr/bin/systemd-nspawn", "--machine=web", "--", "/bin/sh")));
        assertNull(Leftover.parse(1, List.of("/bin/sleep", "--machine=nonetd-x-0000beef")));
        assertNull(Leftover.parse(1, List.of()));
    }

    @Test
    void warmPoolSessionsWithTheirUidRange() {
        long base = UidRanges.FIRST + 3 * UidRanges.SIZE;
        List<String> argv = NspawnCommand.build(ServiceConfigParser.fromCommand(List.of("/bin/cat")), "0000cafe",
                SessionId.machineName("cat", "0000cafe"), null, NspawnCommandTest.NOT_BOOTED, List.of(),
                new NspawnCommand.Mode(new Helper(java.nio.file.Path.of("/run/nonetd/helper.1"), true), true, UidRanges.argument(base))).argv();
        Leftover l = Leftover.parse(78, argv.subList(argv.indexOf("/usr/bin/systemd-nspawn"), argv.size()));
        assertEquals(new Leftover(78, "0000cafe", "nonetd-cat-0000cafe", Peer.unknown(), base), l);
    }

    @Test
    void unixPeers() {
        Leftover l = Leftover.parse(5, List.of("/usr/bin/systemd-nspawn", "--machine=nonetd-s-00000001", "--setenv=REMOTE_ADDR=unix",
                "--setenv=REMOTE_PID=9", "--setenv=REMOTE_UID=1000", "--setenv=REMOTE_GID=100", "--setenv=NONETD_SESSION=00000001", "--", "x"));
        assertEquals(Peer.unix(9, 1000, 100), l.peer());
    }
}
