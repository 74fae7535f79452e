package io.nonetd.os;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Owns one file descriptor and closes it exactly once. Every fd nonetd opens is wrapped in one,
 * and every fd it opens is CLOEXEC; only {@link Spawner} places an fd into a child, on purpose.
 */
public final class Fd implements AutoCloseable {
    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();

    public Fd(int fd) {
        if (fd < 0) throw new IllegalArgumentException("fd < 0: " + fd);
        this.fd = fd;
    }

    public int fd() {
        if (closed.get()) throw new IllegalStateException("fd " + fd + " is closed");
        return fd;
    }

    /** The number even after close, for bookkeeping such as {@link Poller#unregister}. */
    int number() {
        return fd;
    }

    public boolean isOpen() {
        return !closed.get();
    }

    /** Sets FD_CLOEXEC, so that no spawned child inherits this fd by accident. */
    public Fd cloexec() throws OsException {
        int flags = Native.check(Native.C.fcntl(fd, Native.F_GETFD, 0), "fcntl(" + fd + ", F_GETFD)");
        Native.check(Native.C.fcntl(fd, Native.F_SETFD, flags | Native.FD_CLOEXEC), "fcntl(" + fd + ", F_SETFD, FD_CLOEXEC)");
        return this;
    }

    public Fd nonblocking() throws OsException {
        int flags = Native.check(Native.C.fcntl(fd, Native.F_GETFL, 0), "fcntl(" + fd + ", F_GETFL)");
        Native.check(Native.C.fcntl(fd, Native.F_SETFL, flags | Native.O_NONBLOCK), "fcntl(" + fd + ", F_SETFL, O_NONBLOCK)");
        return this;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Native.C.close(fd);
        }
    }

    @Override
    public String toString() {
        return "fd " + fd;
    }
}
