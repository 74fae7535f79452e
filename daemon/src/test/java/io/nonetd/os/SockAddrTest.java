package io.nonetd.os;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nonetd.net.Peer;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class SockAddrTest {
    @Test
    void roundTripsInetAddresses() throws Exception {
        assertEquals(Peer.inet("192.0.2.7", 8080), SockAddr.inetPeer(SockAddr.inet(InetAddress.getByName("192.0.2.7"), 8080)));
        assertEquals(Peer.inet6("2001:db8::1", 443), SockAddr.inetPeer(SockAddr.inet(InetAddress.getByName("2001:db8::1"), 443)));
    }

    @Test
    void showsMappedIpv4AsIpv4() throws Exception {
        byte[] raw = SockAddr.inet(InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 0, 0, 1}), 99);
        assertEquals(Peer.inet("10.0.0.1", 99), SockAddr.inetPeer(raw));
    }

    @Test
    void compactsIpv6() {
        assertEquals("::1", io.nonetd.net.Peer.compact("0:0:0:0:0:0:0:1"));
        assertEquals("fe80::1:2", io.nonetd.net.Peer.compact("fe80:0:0:0:0:0:1:2%eth0"));
        assertEquals("1:0:2:0:3:0:4:0", io.nonetd.net.Peer.compact("1:0:2:0:3:0:4:0"));
    }
}
