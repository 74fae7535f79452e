package io.nonetd.os;

import io.nonetd.net.ListenAddress;
import io.nonetd.net.Peer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/** Listening sockets: adopting systemd's, binding our own, and accepting with CLOEXEC. */
public final class Sockets {
    private Sockets() {}

    /** Loads the libc binding now (on a start-up thread), so that the first accept does not wait for it. */
    public static void warmUp() {
        Native.C.getClass();
    }

    /** An accepted connection and who is on the other end. The caller owns {@code conn}. */
    public record Accepted(Fd conn, Peer peer) {}

    /**
     * Takes over an fd passed by systemd: checks that it is a listening stream socket, and
     * sets CLOEXEC (systemd passes it without) and O_NONBLOCK (we accept only after poll says so,
     * and a client may vanish in between).
     */
    public static Fd adopt(int fd) throws OsException {
        Fd owned = new Fd(fd);
        String what = "fd " + fd;
        if (intOption(fd, Native.SOL_SOCKET, Native.SO_TYPE, what) != Native.SOCK_STREAM) {
            throw new OsException("adopt " + what, 0, "not a stream socket");
        }
        if (intOption(fd, Native.SOL_SOCKET, Native.SO_ACCEPTCONN, what) != 1) {
            throw new OsException("adopt " + what, 0, "socket is not listening");
        }
        return owned.cloexec().nonblocking();
    }

    /** Binds and listens on {@code address} ({@code --listen}); the socket is CLOEXEC and non-blocking. */
    public static Fd listen(ListenAddress address, int backlog) throws IOException {
        byte[] sa;
        int domain;
        if (address.isUnix()) {
            Path p = address.path();
            if (Files.exists(p) && !Files.isDirectory(p)) Files.delete(p); // a stale socket from an earlier run
            sa = SockAddr.unix(p.toString());
            domain = Native.AF_UNIX;
        } else {
            InetAddress host = InetAddress.getByName(address.host());
            sa = SockAddr.inet(host, address.port());
            domain = host.getAddress().length == 4 ? Native.AF_INET : Native.AF_INET6;
        }
        String what = "'" + address + "'";
        Fd fd = new Fd(Native.check(Native.C.socket(domain, Native.SOCK_STREAM | Native.SOCK_CLOEXEC | Native.SOCK_NONBLOCK, 0), "socket() for " + what));
        try {
            if (!address.isUnix()) {
                setInt(fd.fd(), Native.SOL_SOCKET, Native.SO_REUSEADDR, 1, what);
                if (domain == Native.AF_INET6) setInt(fd.fd(), Native.IPPROTO_IPV6, Native.IPV6_V6ONLY, 0, what);
            }
            Pointer p = Native.allocate(sa.length);
            p.put(0, sa, 0, sa.length);
            Native.check(Native.C.bind(fd.fd(), p, sa.length), "bind(" + what + ")");
            Native.check(Native.C.listen(fd.fd(), backlog), "listen(" + what + ")");
            return fd;
        } catch (IOException | RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /**
     * Accepts one connection with accept4(SOCK_CLOEXEC), so that no other session's spawn can
     * inherit it. Returns null when there is nothing to accept (the client already left).
     */
    public static Accepted accept(Fd listener) throws OsException {
        Pointer addr = Native.allocate(SockAddr.MAX);
        IntByReference len = new IntByReference(SockAddr.MAX);
        int fd = Native.C.accept4(listener.fd(), addr, len, Native.SOCK_CLOEXEC);
        if (fd < 0) {
            int e = Native.errno();
            if (e == Native.EAGAIN || e == Native.EINTR || e == 103 /* ECONNABORTED */) return null;
            throw new OsException("accept4(" + listener + ")", e, Native.describe(e));
        }
        Fd conn = new Fd(fd);
        try {
            byte[] raw = new byte[Math.min(len.intValue(), SockAddr.MAX)];
            addr.get(0, raw, 0, raw.length);
            return new Accepted(conn, peerOf(fd, raw));
        } catch (OsException | RuntimeException e) {
            conn.close();
            throw e;
        }
    }

    /** Sends what fits without blocking (a refusal line); errors are ignored, the caller closes anyway. */
    public static void sendNow(Fd conn, byte[] data) {
        if (data.length == 0) return;
        Pointer p = Native.allocate(data.length);
        p.put(0, data, 0, data.length);
        Native.C.send(conn.fd(), p, data.length, Native.MSG_DONTWAIT | Native.MSG_NOSIGNAL);
    }

    /** The socket's inode, as /proc/PID/fd shows it ("socket:[INODE]"), to find it in other processes. */
    public static String inode(Fd conn) {
        try {
            return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + conn.fd())).toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** The local address of a listener, for log lines. */
    public static String localAddress(Fd fd) {
        Pointer addr = Native.allocate(SockAddr.MAX);
        IntByReference len = new IntByReference(SockAddr.MAX);
        if (Native.C.getsockname(fd.fd(), addr, len) != 0) return fd.toString();
        byte[] raw = new byte[Math.min(len.intValue(), SockAddr.MAX)];
        addr.get(0, raw, 0, raw.length);
        if (raw.length < 2) return "unix:(unnamed)";
        int family = SockAddr.family(raw);
        if (family == Native.AF_UNIX) {
            String path = new String(raw, 2, raw.length - 2).replaceFirst("\0.*$", "");
            return path.isEmpty() ? "unix:(abstract)" : path;
        }
        return SockAddr.inetPeer(raw).toString();
    }

    private static Peer peerOf(int fd, byte[] raw) throws OsException {
        if (raw.length >= 2 && SockAddr.family(raw) != Native.AF_UNIX) return SockAddr.inetPeer(raw);
        Pointer cred = Native.allocate(12);
        IntByReference len = new IntByReference(12);
        Native.check(Native.C.getsockopt(fd, Native.SOL_SOCKET, Native.SO_PEERCRED, cred, len), "getsockopt(fd " + fd + ", SO_PEERCRED)");
        return Peer.unix(cred.getInt(0), cred.getInt(4), cred.getInt(8));
    }

    private static int intOption(int fd, int level, int name, String what) throws OsException {
        Pointer v = Native.allocate(4);
        IntByReference len = new IntByReference(4);
        Native.check(Native.C.getsockopt(fd, level, name, v, len), "getsockopt(" + what + ", " + name + ")");
        return v.getInt(0);
    }

    private static void setInt(int fd, int level, int name, int value, String what) throws OsException {
        Pointer v = Native.allocate(4);
        v.putInt(0, value);
        Native.check(Native.C.setsockopt(fd, level, name, v, 4), "setsockopt(" + what + ", " + name + ")");
    }

}
