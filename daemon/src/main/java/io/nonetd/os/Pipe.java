package io.nonetd.os;

import jnr.ffi.Pointer;

/** A CLOEXEC pipe whose read end is non-blocking, for a child's stderr. The caller owns both ends. */
public record Pipe(Fd readEnd, Fd writeEnd) {

    public static Pipe open() throws OsException {
        Pointer fds = Native.allocate(8);
        Native.check(Native.C.pipe2(fds, Native.O_CLOEXEC | Native.O_NONBLOCK), "pipe2()");
        Fd r = new Fd(fds.getInt(0));
        Fd w = new Fd(fds.getInt(4));
        try {
            // Only the read end stays non-blocking: a child writing into a full pipe should wait.
            int flags = Native.check(Native.C.fcntl(w.fd(), Native.F_GETFL, 0), "fcntl(" + w + ", F_GETFL)");
            Native.check(Native.C.fcntl(w.fd(), Native.F_SETFL, flags & ~Native.O_NONBLOCK), "fcntl(" + w + ", F_SETFL)");
        } catch (OsException e) {
            r.close();
            w.close();
            throw e;
        }
        return new Pipe(r, w);
    }

    /** Reads what is there: the byte count, 0 when nothing is ready, -1 at end of file. */
    public static int read(Fd fd, byte[] buf) throws OsException {
        Pointer p = Native.allocate(buf.length);
        long n = Native.C.read(fd.fd(), p, buf.length);
        if (n < 0) {
            int e = Native.errno();
            if (e == Native.EAGAIN || e == Native.EINTR) return 0;
            throw new OsException("read(" + fd + ")", e, Native.describe(e));
        }
        if (n == 0) return -1;
        p.get(0, buf, 0, (int) n);
        return (int) n;
    }
}
