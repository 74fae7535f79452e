package io.nonetd.os;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.byref.IntByReference;

/**
 * The glibc functions nonetd calls. Public only because jnr-ffi generates its implementation in
 * another class loader; nothing outside this package uses it. Callers use the typed wrappers
 * ({@link Fd}, {@link Sockets}, {@link Spawner}, {@link Poller}, {@link Child}).
 */
public interface LibC {
    @SaveError int socket(int domain, int type, int protocol);
    @SaveError int socketpair(int domain, int type, int protocol, Pointer sv);
    @SaveError long sendmsg(int fd, Pointer msg, int flags);
    @SaveError long recv(int fd, Pointer buf, long len, int flags);
    @SaveError int bind(int fd, Pointer addr, int len);
    @SaveError int listen(int fd, int backlog);
    @SaveError int accept4(int fd, Pointer addr, IntByReference len, int flags);
    @SaveError int getsockopt(int fd, int level, int name, Pointer value, IntByReference len);
    @SaveError int setsockopt(int fd, int level, int name, Pointer value, int len);
    @SaveError int getsockname(int fd, Pointer addr, IntByReference len);
    @SaveError int fcntl(int fd, int cmd, int arg);
    @SaveError int close(int fd);
    @SaveError int pipe2(Pointer fds, int flags);
    @SaveError int eventfd(int initval, int flags);
    @SaveError long read(int fd, Pointer buf, long count);
    @SaveError long write(int fd, Pointer buf, long count);
    @SaveError int poll(Pointer fds, long nfds, int timeoutMs);
    @SaveError int kill(int pid, int sig);
    @SaveError int waitpid(int pid, IntByReference status, int options);
    @SaveError long syscall(long number, long arg1, long arg2, long arg3);
    @SaveError long send(int fd, Pointer buf, long len, int flags);
    @SaveError long sendto(int fd, Pointer buf, long len, int flags, Pointer addr, int addrlen);
    String strerror(int errnum);

    int posix_spawn(IntByReference pid, String path, Pointer fileActions, Pointer attr, Pointer argv, Pointer envp);
    int posix_spawn_file_actions_init(Pointer actions);
    int posix_spawn_file_actions_destroy(Pointer actions);
    int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newfd);
    int posix_spawn_file_actions_addopen(Pointer actions, int fd, String path, int oflag, int mode);
    int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);
    int posix_spawnattr_init(Pointer attr);
    int posix_spawnattr_destroy(Pointer attr);
    int posix_spawnattr_setflags(Pointer attr, short flags);
    int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);
    int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);
    int sigemptyset(Pointer set);
    int sigfillset(Pointer set);
}
