package io.nonetd.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CtlArgsTest {
    @Test
    void commandsAndDefaults() {
        CtlArgs a = CtlArgs.parse(new String[] {"list"});
        assertEquals("list", a.command());
        assertEquals(15, a.signal());
        assertEquals(30, a.timeoutSeconds());
        assertTrue(CtlArgs.parse(new String[] {"stats", "--json"}).json());
        assertEquals("echo", CtlArgs.parse(new String[] {"--json", "status", "echo"}).name());
        assertNull(CtlArgs.parse(new String[] {"status"}).name());
    }

    @Test
    void kill() {
        CtlArgs a = CtlArgs.parse(new String[] {"kill", "3fa9c01e", "--signal", "SIGKILL"});
        assertEquals("3fa9c01e", a.session());
        assertEquals(9, a.signal());
        assertEquals(1, CtlArgs.parse(new String[] {"kill", "x", "-s", "hup"}).signal());
        assertEquals(10, CtlArgs.parse(new String[] {"kill", "x", "--signal", "10"}).signal());
    }

    @Test
    void drain() {
        assertEquals(5, CtlArgs.parse(new String[] {"drain", "--timeout", "5"}).timeoutSeconds());
        assertEquals("web", CtlArgs.parse(new String[] {"drain", "web", "--timeout", "0"}).name());
    }

    @Test
    void misuseNamesTheArgument() {
        assertEquals("no command given", message());
        assertEquals("unknown command 'frob'", message("frob"));
        assertEquals("unknown option '--frob'", message("list", "--frob"));
        assertEquals("kill needs a SESSION id", message("kill"));
        assertEquals("unexpected argument 'x' for 'list'", message("list", "x"));
        assertEquals("--signal needs a value", message("kill", "a", "--signal"));
        assertEquals("--signal: invalid signal 'FOO', expected 1..64 or one of CONT, HUP, INT, KILL, QUIT, STOP, TERM, USR1, USR2",
                message("kill", "a", "--signal", "FOO"));
        assertEquals("--signal: invalid signal '65', expected 1..64 or one of CONT, HUP, INT, KILL, QUIT, STOP, TERM, USR1, USR2",
                message("kill", "a", "--signal", "65"));
        assertEquals("--timeout: invalid value '-1', expected seconds 0..86400", message("drain", "--timeout", "-1"));
        assertEquals("--signal is only for 'kill'", message("list", "--signal", "9"));
        assertEquals("--timeout is only for 'drain'", message("reload", "--timeout", "9"));
    }

    @Test
    void helpNeedsNoCommand() {
        assertTrue(CtlArgs.parse(new String[] {"--help"}).help());
    }

    private static String message(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> CtlArgs.parse(args)).getMessage();
    }
}
