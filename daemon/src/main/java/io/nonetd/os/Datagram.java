package io.nonetd.os;

import java.nio.charset.StandardCharsets;
import jnr.ffi.Pointer;

/**
 * A CLOEXEC unix datagram socket for sd_notify(3). Java 17 has no AF_UNIX datagrams, so this
 * goes straight to libc. A path starting with '@' is an abstract address. Thread-safe.
 */
public final class Datagram implements AutoCloseable {
    private static final int SOCK_DGRAM = 2;
    private final Fd fd;
    private final Pointer address;
    private final int addressLength;

    public Datagram(String path) throws OsException {
        byte[] sa = SockAddr.unix(path.startsWith("@") ? "\0" + path.substring(1) : path);
        // An abstract name has no terminating NUL: the length says where it ends.
        addressLength = path.startsWith("@") ? sa.length - 1 : sa.length;
        address = Native.allocate(sa.length);
        address.put(0, sa, 0, sa.length);
        fd = new Fd(Native.check(Native.C.socket(Native.AF_UNIX, SOCK_DGRAM | Native.SOCK_CLOEXEC, 0), "socket(AF_UNIX, SOCK_DGRAM)"));
    }

    public void send(String message) throws OsException {
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        Pointer p = Native.allocate(b.length);
        p.put(0, b, 0, b.length);
        Native.check(Native.C.sendto(fd.fd(), p, b.length, Native.MSG_NOSIGNAL, address, addressLength), "sendto(NOTIFY_SOCKET)");
    }

    @Override
    public void close() {
        fd.close();
    }
}
