package io.nonetd.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.freedesktop.dbus.errors.AccessDenied;
import org.junit.jupiter.api.Test;

class NonetctlTest {
    @Test
    void errorsMapToExitStatuses() {
        Nonetctl.Failure denied = Nonetctl.failure("io.nonetd.Daemon.echo", "KillSession", "org.freedesktop.DBus.Error.AccessDenied", "Rejected");
        assertEquals(Nonetctl.DENIED, denied.status);
        assertEquals("access denied: KillSession needs root", denied.getMessage());
        Nonetctl.Failure none = Nonetctl.failure("io.nonetd.Daemon.echo", "GetSession", "io.nonetd.bus.Error.NoSuchSession", "No session 'x'");
        assertEquals(Nonetctl.NOT_FOUND, none.status);
        assertEquals(Nonetctl.NOT_FOUND, Nonetctl.failure("n", "Stats", "org.freedesktop.DBus.Error.ServiceUnknown", "gone").status);
        Nonetctl.Failure other = Nonetctl.failure("io.nonetd.Daemon.echo", "Reload", "io.nonetd.bus.Error.ReloadFailed", "bad file");
        assertEquals(Nonetctl.FAILURE, other.status);
        assertEquals("Failed to call Reload on io.nonetd.Daemon.echo: bad file (io.nonetd.bus.Error.ReloadFailed)", other.getMessage());
    }

    @Test
    void errorNames() {
        assertEquals("org.freedesktop.dbus.errors.AccessDenied", Nonetctl.errorName(new AccessDenied("no")));
        assertEquals(Nonetctl.DENIED, Nonetctl.failure("n", "Drain", Nonetctl.errorName(new AccessDenied("no")), "no").status);
    }

    @Test
    void usageIsExit2WithoutTouchingTheBus() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Nonetctl.run(new String[] {"frob"}, new PrintStream(out), new PrintStream(err));
        assertEquals(Nonetctl.USAGE, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("nonetctl: unknown command 'frob'\n\nUsage: nonetctl"));
        assertEquals(Nonetctl.OK, Nonetctl.run(new String[] {"--help"}, new PrintStream(out), new PrintStream(err)));
    }
}
