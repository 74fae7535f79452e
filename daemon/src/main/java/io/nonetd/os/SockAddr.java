package io.nonetd.os;

import io.nonetd.net.Peer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Encodes and decodes struct sockaddr_in, sockaddr_in6 and sockaddr_un. Pure byte work. */
final class SockAddr {
    static final int MAX = 128; // sizeof(struct sockaddr_storage)

    private SockAddr() {}

    static byte[] inet(InetAddress address, int port) {
        byte[] raw = address.getAddress();
        ByteBuffer b = ByteBuffer.allocate(raw.length == 4 ? 16 : 28);
        b.order(ByteOrder.nativeOrder()).putShort((short) (raw.length == 4 ? Native.AF_INET : Native.AF_INET6));
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) port);
        if (raw.length == 16) b.putInt(0); // sin6_flowinfo
        b.put(raw);
        return b.array();
    }

    static byte[] unix(String path) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(2 + p.length + 1).order(ByteOrder.nativeOrder());
        b.putShort((short) Native.AF_UNIX).put(p).put((byte) 0);
        return b.array();
    }

    static int family(byte[] raw) {
        return ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder()).getShort(0) & 0xffff;
    }

    /** The peer of an inet or inet6 address; IPv4-mapped IPv6 addresses are shown as IPv4. */
    static Peer inetPeer(byte[] raw) {
        int family = family(raw);
        int port = ByteBuffer.wrap(raw).order(ByteOrder.BIG_ENDIAN).getShort(2) & 0xffff;
        try {
            if (family == Native.AF_INET) {
                return Peer.inet(InetAddress.getByAddress(Arrays.copyOfRange(raw, 4, 8)).getHostAddress(), port);
            }
            byte[] a = Arrays.copyOfRange(raw, 8, 24);
            InetAddress addr = InetAddress.getByAddress(a); // Java already unmaps ::ffff:a.b.c.d
            if (addr.getAddress().length == 4) return Peer.inet(addr.getHostAddress(), port);
            return Peer.inet6(Peer.compact(addr.getHostAddress()), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of illegal length", e);
        }
    }
}
