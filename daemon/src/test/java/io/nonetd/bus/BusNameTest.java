package io.nonetd.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BusNameTest {
    @Test
    void lettersDigitsAndUnderscoreStay() {
        assertEquals("echo", BusName.escape("echo"));
        assertEquals("Web_2", BusName.escape("Web_2"));
    }

    @Test
    void otherBytesBecomeHex() {
        assertEquals("my_2dsvc", BusName.escape("my-svc"));
        assertEquals("a_2eb_40c", BusName.escape("a.b@c"));
        assertEquals("caf_c3_a9", BusName.escape("café"));
    }

    @Test
    void aLeadingDigitOrNothingGetsAnUnderscore() {
        assertEquals("_9lives", BusName.escape("9lives"));
        assertEquals("_", BusName.escape(""));
        assertEquals("_2dx", BusName.escape("-x"));
    }

    @Test
    void daemonNames() {
        assertEquals("io.nonetd.Daemon.echo", BusName.forService("echo"));
        assertEquals("io.nonetd.Daemon._8080_2dhttp", BusName.forService("8080-http"));
        assertTrue(BusName.isDaemon("io.nonetd.Daemon.echo"));
        assertFalse(BusName.isDaemon("io.nonetd.Daemon."));
        assertFalse(BusName.isDaemon("io.nonetd.Daemon"));
        assertFalse(BusName.isDaemon("io.nonetd.DaemonX.echo"));
        assertFalse(BusName.isDaemon(":1.42"));
    }
}
