package io.nonetd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nonetd.net.ListenAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {
    @Test
    void firstTryForm() {
        Options o = Options.parse(new String[] {"--listen", "127.0.0.1:7000", "--", "/usr/bin/rev", "-x"});
        assertEquals(List.of("/usr/bin/rev", "-x"), o.command());
        assertEquals(List.of(ListenAddress.parse("127.0.0.1:7000")), o.listen());
    }

    @Test
    void configForms() {
        assertEquals(Path.of("/etc/nonetd/echo.conf"), Options.parse(new String[] {"--config", "/etc/nonetd/echo.conf", "--leave-sessions"}).config());
        assertTrue(Options.parse(new String[] {"--config-dir", "/etc/nonetd", "--leave-sessions"}).leaveSessions());
        assertEquals(Path.of("x.conf"), Options.parse(new String[] {"--check-config", "x.conf"}).checkConfig());
    }

    @Test
    void misuse() {
        assertEquals("give exactly one of --config FILE, --config-dir DIR or -- COMMAND", assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {})).getMessage());
        assertEquals("unknown option '--fast'", assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--fast"})).getMessage());
        assertEquals("--config needs a value", assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--config"})).getMessage());
        assertEquals("--listen: port out of range 1..65535 in 'h:0'", assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--listen", "h:0", "--", "x"})).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--config-dir", "/d", "--listen", "h:1"}));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--config", "a", "--", "b"}));
    }
}
