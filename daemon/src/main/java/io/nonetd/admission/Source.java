package io.nonetd.admission;

import io.nonetd.net.Peer;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Which "source" a peer counts as for per-source limits: its address cut to a prefix
 * (SourcePrefixIPv4=24 puts 10.1.2.3 and 10.1.2.99 together), or its uid for unix sockets.
 */
public final class Source {
    private Source() {}

    public static String of(Peer peer, int prefix4, int prefix6) {
        if (peer.family() == Peer.Family.UNIX) return "unix:uid=" + peer.uid();
        if (peer.family() == Peer.Family.UNKNOWN) return "unknown";
        byte[] raw;
        try {
            raw = InetAddress.getByName(peer.address()).getAddress();
        } catch (UnknownHostException e) {
            return peer.address(); // numeric already; cannot happen for an accepted peer
        }
        int prefix = raw.length == 4 ? prefix4 : prefix6;
        for (int bit = prefix; bit < raw.length * 8; bit++) raw[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        try {
            String net = InetAddress.getByAddress(raw).getHostAddress();
            if (raw.length == 16) net = Peer.compact(net);
            return prefix == raw.length * 8 ? net : net + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
