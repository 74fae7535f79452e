package io.nonetd.os;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/**
 * TCP_INFO of a connection the daemon no longer holds. Keeping a copy would keep the socket open
 * after the service closed it, so the client would not see EOF; instead the daemon finds a
 * process of the session that holds the socket, borrows it with pidfd_getfd(2) for one
 * getsockopt, and closes the borrowed copy at once.
 */
public final class TcpInfo {
    /** Milliseconds since data last went either way, the byte counts, and which process fd it was read through. */
    public record Snapshot(long idleMillis, long bytesReceived, long bytesAcked, int pid, int fd) {}

    private static final int SIZE = 232; // struct tcp_info up to tcpi_bytes_received and beyond

    private TcpInfo() {}

    /** Null when no process of the tree under {@code rootPid} holds {@code socketLink} any more. */
    public static Snapshot of(int rootPid, String socketLink) {
        return of(rootPid, socketLink, null);
    }

    /**
     * As above, but first through the process fd {@code last} was read through: a repeated sample
     * then costs one readlink instead of a walk of /proc.
     */
    public static Snapshot of(int rootPid, String socketLink, Snapshot last) {
        if (last != null && isLink(last.pid(), last.fd(), socketLink)) {
            Snapshot s = read(last.pid(), last.fd());
            if (s != null) return s;
        }
        for (int pid : ProcessTree.descendants(rootPid)) {
            int fd = findFd(pid, socketLink);
            if (fd < 0) continue;
            Snapshot s = read(pid, fd);
            if (s != null) return s;
        }
        return null;
    }

    private static int findFd(int pid, String socketLink) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
            for (Path p : fds) {
                try {
                    if (Files.readSymbolicLink(p).toString().equals(socketLink)) return Integer.parseInt(p.getFileName().toString());
                } catch (IOException | NumberFormatException gone) {
                    // closed while we looked
                }
            }
        } catch (IOException gone) {
            // the process exited
        }
        return -1;
    }

    private static boolean isLink(int pid, int fd, String socketLink) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/" + fd)).toString().equals(socketLink);
        } catch (IOException gone) {
            return false;
        }
    }

    private static Snapshot read(int pid, int targetFd) {
        long pidfd = Native.C.syscall(Native.SYS_PIDFD_OPEN, pid, 0, 0);
        if (pidfd < 0) return null;
        try (Fd pf = new Fd((int) pidfd)) {
            long fd = Native.C.syscall(Native.SYS_PIDFD_GETFD, pf.fd(), targetFd, 0); // returns a CLOEXEC fd
            if (fd < 0) return null;
            try (Fd borrowed = new Fd((int) fd)) {
                Pointer info = Native.allocate(SIZE);
                IntByReference len = new IntByReference(SIZE);
                if (Native.C.getsockopt(borrowed.fd(), Native.IPPROTO_TCP, Native.TCP_INFO, info, len) != 0) return null;
                long sent = info.getInt(44) & 0xffffffffL;     // tcpi_last_data_sent
                long received = info.getInt(52) & 0xffffffffL; // tcpi_last_data_recv
                return new Snapshot(Math.min(sent, received), info.getLong(128), info.getLong(120), pid, targetFd);
            }
        }
    }
}
