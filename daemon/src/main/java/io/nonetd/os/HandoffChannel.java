package io.nonetd.os;

import jnr.ffi.Pointer;

/**
 * The daemon's end of a warm container's SOCK_SEQPACKET socketpair. The container's helper sends
 * one byte when it is up; the daemon sends it one message: the connection as SCM_RIGHTS and the
 * session's environment as "KEY=VALUE\0" pairs. Packets keep message boundaries, so the helper
 * reads exactly one message; nothing else ever crosses.
 */
public final class HandoffChannel {
    private static final int SOCK_SEQPACKET = 5, SCM_RIGHTS = 1;
    /** struct msghdr, struct iovec and one cmsghdr with one int, on LP64 Linux. */
    private static final int MSGHDR = 56, IOVEC = 16, CMSG_LEN_1 = 20, CMSG_SPACE_1 = 24;

    /** A new pair: {@code ours} stays in the daemon, {@code theirs} goes to nspawn as fd 3. Both CLOEXEC. */
    public record Pair(Fd ours, Fd theirs) {}

    private HandoffChannel() {}

    public static Pair open() throws OsException {
        Pointer sv = Native.allocate(8);
        Native.check(Native.C.socketpair(Native.AF_UNIX, SOCK_SEQPACKET | Native.SOCK_CLOEXEC, 0, sv), "socketpair(AF_UNIX, SOCK_SEQPACKET)");
        return new Pair(new Fd(sv.getInt(0)), new Fd(sv.getInt(4)));
    }

    /** Reads the helper's ready byte: true when it came, false at end of file (the container is gone). */
    public static boolean readReady(Fd ours) throws OsException {
        Pointer b = Native.allocate(1);
        long n = Native.C.recv(ours.fd(), b, 1, Native.MSG_DONTWAIT);
        if (n < 0) {
            int e = Native.errno();
            if (e == Native.EAGAIN || e == Native.EINTR) return true;
            throw new OsException("recv(" + ours + ")", e, Native.describe(e));
        }
        return n == 1;
    }

    /** Sends {@code conn} and {@code environment} in one message; never blocks (the socket buffer is empty). */
    public static void send(Fd ours, Fd conn, byte[] environment) throws OsException {
        byte[] data = environment.length == 0 ? new byte[] {0} : environment;
        // One native block, on the hot path of every pooled session: msghdr | iovec | cmsghdr | data.
        int iovAt = MSGHDR, controlAt = iovAt + IOVEC, dataAt = controlAt + CMSG_SPACE_1;
        Pointer block = Native.allocate(dataAt + data.length);
        block.put(dataAt, data, 0, data.length);
        block.putAddress(iovAt, block.address() + dataAt);
        block.putLong(iovAt + 8, data.length);
        block.putLong(controlAt, CMSG_LEN_1);
        block.putInt(controlAt + 8, Native.SOL_SOCKET);
        block.putInt(controlAt + 12, SCM_RIGHTS);
        block.putInt(controlAt + 16, conn.fd());
        block.putAddress(16, block.address() + iovAt);
        block.putLong(24, 1);
        block.putAddress(32, block.address() + controlAt);
        block.putLong(40, CMSG_SPACE_1);
        long n = Native.C.sendmsg(ours.fd(), block, Native.MSG_DONTWAIT | Native.MSG_NOSIGNAL);
        if (n < 0) {
            int e = Native.errno();
            throw new OsException("sendmsg(" + ours + ") of the connection", e, Native.describe(e));
        }
        if (n != data.length) throw new OsException("sendmsg(" + ours + ")", 0, "sent " + n + " of " + data.length + " bytes");
    }
}
