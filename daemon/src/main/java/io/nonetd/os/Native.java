package io.nonetd.os;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/** Loads libc once and turns failed calls into {@link OsException}s. All errno handling is here. */
final class Native {
    static final LibC C = LibraryLoader.create(LibC.class).load("c");
    static final Runtime RUNTIME = Runtime.getRuntime(C);

    // Linux x86_64/aarch64 constants (asm-generic and x86 agree on these).
    static final int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;
    static final int SOCK_STREAM = 1, SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1, SO_REUSEADDR = 2, SO_TYPE = 3, SO_PEERCRED = 17, SO_ACCEPTCONN = 30;
    static final int IPPROTO_IPV6 = 41, IPV6_V6ONLY = 26;
    static final int F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, FD_CLOEXEC = 1;
    static final int O_RDONLY = 0, O_WRONLY = 1, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
    static final int EINTR = 4, EAGAIN = 11, ECHILD = 10, ESRCH = 3;
    static final int WNOHANG = 1;
    static final long SYS_PIDFD_OPEN = 434, SYS_PIDFD_GETFD = 438;
    static final int IPPROTO_TCP = 6, TCP_INFO = 11;
    static final int MSG_DONTWAIT = 0x40, MSG_NOSIGNAL = 0x4000;

    private Native() {}

    static int errno() {
        return LastError.getLastError(RUNTIME);
    }

    static String describe(int errno) {
        String s = C.strerror(errno);
        return s == null ? "errno " + errno : s;
    }

    /** Returns rc, or throws naming the call when rc is -1. */
    static int check(int rc, String call) throws OsException {
        if (rc == -1) {
            int e = errno();
            throw new OsException(call, e, describe(e));
        }
        return rc;
    }

    static long check(long rc, String call) throws OsException {
        if (rc == -1) {
            int e = errno();
            throw new OsException(call, e, describe(e));
        }
        return rc;
    }

    static Pointer allocate(int bytes) {
        return Memory.allocateDirect(RUNTIME, bytes, true);
    }
}
