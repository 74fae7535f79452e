package io.nonetd.os;

import java.nio.charset.StandardCharsets;
import jnr.ffi.Pointer;

/**
 * A CLOEXEC unix datagram socket for sd_notify(3) and journald's native protocol. Java 17 has no
 * AF_UNIX datagrams, so this goes straight to libc. A path starting with '@' is an abstract
 * address. Thread-safe.
 */
public final class Datagram implements AutoCloseable {
    private static final int SOCK_DGRAM = 2;
    private final Fd fd;
    private final String path;
    private final Pointer address;
    private final int addressLength;

    public Datagram(String path) throws OsException {
        this.path = path;
        byte[] sa = SockAddr.unix(path.startsWith("@") ? "\0" + path.substring(1) : path);
        // An abstract name has no terminating NUL: the length says where it ends.
        addressLength = path.startsWith("@") ? sa.length - 1 : sa.length;
        address = Native.allocate(sa.length);
        address.put(0, sa, 0, sa.length);
        fd = new Fd(Native.check(Native.C.socket(Native.AF_UNIX, SOCK_DGRAM | Native.SOCK_CLOEXEC, 0), "socket(AF_UNIX, SOCK_DGRAM)"));
    }

    public void send(String message) throws OsException {
        send(message.getBytes(StandardCharsets.UTF_8), false);
    }

    /** One datagram; with {@code dontWait} it fails with EAGAIN instead of blocking while the receiver's queue is full. */
    public void send(byte[] message, boolean dontWait) throws OsException {
        Pointer p = Native.allocate(Math.max(1, message.length));
        p.put(0, message, 0, message.length);
        int flags = Native.MSG_NOSIGNAL | (dontWait ? Native.MSG_DONTWAIT : 0);
        Native.check(Native.C.sendto(fd.fd(), p, message.length, flags, address, addressLength), "sendto('" + path + "')");
    }

    @Override
    public void close() {
        fd.close();
    }
}
