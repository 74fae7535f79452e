package io.nonetd.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerTest {
    @Test
    void environmentNamesAddressAndPort() {
        assertEquals(Map.of("REMOTE_ADDR", "10.1.2.3", "REMOTE_PORT", "5555"), Peer.inet("10.1.2.3", 5555).environment());
        assertEquals("[::1]:80", Peer.inet6("::1", 80).toString());
    }

    @Test
    void unixPeersCarryCredentials() {
        Peer p = Peer.unix(12, 1000, 100);
        assertEquals(Map.of("REMOTE_ADDR", "unix", "REMOTE_PID", "12", "REMOTE_UID", "1000", "REMOTE_GID", "100"), p.environment());
        assertEquals("unix(pid=12,uid=1000,gid=100)", p.toString());
    }
}
