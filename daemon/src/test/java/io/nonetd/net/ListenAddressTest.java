package io.nonetd.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ListenAddressTest {
    @Test
    void parsesTheThreeForms() {
        assertEquals(new ListenAddress("127.0.0.1", 7000, null), ListenAddress.parse("127.0.0.1:7000"));
        assertEquals(new ListenAddress("::1", 80, null), ListenAddress.parse("[::1]:80"));
        assertEquals(new ListenAddress(null, 0, Path.of("/run/x.sock")), ListenAddress.parse("/run/x.sock"));
        assertEquals("[::1]:80", ListenAddress.parse("[::1]:80").toString());
    }

    @Test
    void refusesBadAddresses() {
        assertEquals("expected HOST:PORT, [V6]:PORT or /path.sock, got '7000'", assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("7000")).getMessage());
        assertEquals("port out of range 1..65535 in 'h:70000'", assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("h:70000")).getMessage());
        assertEquals("expected HOST:PORT, [V6]:PORT or /path.sock, got '::1:80'", assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("::1:80")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("[::1]80"));
        assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("h:port"));
    }
}
