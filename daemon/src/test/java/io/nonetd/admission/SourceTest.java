package io.nonetd.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nonetd.net.Peer;
import org.junit.jupiter.api.Test;

class SourceTest {
    @Test
    void groupsByPrefix() {
        assertEquals("10.1.2.3", Source.of(Peer.inet("10.1.2.3", 1), 32, 128));
        assertEquals("10.1.2.0/24", Source.of(Peer.inet("10.1.2.99", 1), 24, 128));
        assertEquals("10.0.0.0/9", Source.of(Peer.inet("10.127.255.1", 1), 9, 128));
        assertEquals("0.0.0.0/0", Source.of(Peer.inet("192.0.2.1", 1), 0, 128));
        assertEquals("2001:db8:1::/64", Source.of(Peer.inet6("2001:db8:1:0:aaaa:bbbb:cccc:dddd", 1), 32, 64));
        assertEquals("::1", Source.of(Peer.inet6("::1", 1), 32, 128));
    }

    @Test
    void unixPeersCountByUid() {
        assertEquals("unix:uid=1000", Source.of(Peer.unix(5, 1000, 1000), 32, 128));
    }
}
