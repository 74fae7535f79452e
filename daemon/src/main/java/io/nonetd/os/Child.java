package io.nonetd.os;

import jnr.ffi.byref.IntByReference;

/**
 * A spawned child process and the pidfd that tells when it exited. The {@link Poller} thread
 * watches {@link #pidfd()} and calls {@link #reap()} once it is readable. Kill may be called from
 * any thread; it never signals a pid that was already reaped.
 */
public final class Child implements AutoCloseable {
    private final int pid;
    private final Fd pidfd;
    private final boolean ours;
    private volatile boolean reaped;

    private Child(int pid, Fd pidfd, boolean ours) {
        this.pid = pid;
        this.pidfd = pidfd;
        this.ours = ours;
    }

    /** Takes a freshly spawned child. A pidfd works for a zombie too, so there is no race with exit. */
    public static Child adopt(int pid) throws OsException {
        // pidfd_open(2) returns a CLOEXEC fd.
        long fd = Native.check(Native.C.syscall(Native.SYS_PIDFD_OPEN, pid, 0, 0), "pidfd_open(" + pid + ")");
        return new Child(pid, new Fd((int) fd), true);
    }

    /**
     * Watches a process that is not our child (a session an earlier daemon left). Its pidfd
     * still tells when it exits; its exit status goes to its parent, not to us.
     */
    public static Child watch(int pid) throws OsException {
        long fd = Native.check(Native.C.syscall(Native.SYS_PIDFD_OPEN, pid, 0, 0), "pidfd_open(" + pid + ")");
        return new Child(pid, new Fd((int) fd), false);
    }

    /** Last resort when a child cannot be tracked: kill it and wait for it, blocking. */
    public static void killAndWait(int pid) {
        Native.C.kill(pid, Signals.SIGKILL);
        Native.C.waitpid(pid, new IntByReference(), 0);
    }

    public int pid() {
        return pid;
    }

    public Fd pidfd() {
        return pidfd;
    }

    /** Sends {@code signal}; false when the process is already gone. */
    public synchronized boolean kill(int signal) {
        if (reaped) return false;
        return Native.C.kill(pid, signal) == 0;
    }

    /** Collects the exit status without blocking; null while the child still runs. The pidfd stays open until {@link #close}. */
    public synchronized ExitStatus reap() throws OsException {
        if (reaped) throw new IllegalStateException("pid " + pid + " already reaped");
        if (!ours) {
            reaped = true; // called once the pidfd is readable: the process has exited
            return ExitStatus.UNKNOWN;
        }
        IntByReference status = new IntByReference();
        int rc = Native.check(Native.C.waitpid(pid, status, Native.WNOHANG), "waitpid(" + pid + ")");
        if (rc == 0) return null;
        reaped = true;
        return ExitStatus.fromWaitStatus(status.intValue());
    }

    public boolean isReaped() {
        return reaped;
    }

    @Override
    public void close() {
        pidfd.close();
    }
}
