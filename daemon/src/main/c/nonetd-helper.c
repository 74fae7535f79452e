/*
 * nonetd-helper: the first program inside a nonetd container. Statically linked so that it runs
 * in any image; bind-mounted read-only into the container by nonetd.
 *
 *   nonetd-helper exec [--filter FILE] [--stdio] -- COMMAND [ARG...]
 *       The connection is fd 3 (forwarded by nspawn). Place it where the service wants it,
 *       install the syscall filter, exec COMMAND.
 *   nonetd-helper wait [--filter FILE] [--stdio] -- COMMAND [ARG...]
 *       A warm-pool container. fd 3 is a SOCK_SEQPACKET socket to the daemon. Say "ready" (one
 *       byte), then block until the daemon sends one message: the connection (SCM_RIGHTS) and its
 *       environment ("KEY=VALUE\0" ...). Then as exec. End of file means the pool was drained:
 *       exit 0 without running anything.
 *
 *   nonetd-helper nspawn [--cgroup PROCS]... -- NSPAWN [ARG...]
 *       On the host, between nonetd and systemd-nspawn: join each cgroup (write our pid to its
 *       cgroup.procs; any failure and nothing runs), set LISTEN_PID to our pid when LISTEN_FDS is
 *       set (sd_listen_fds: nspawn forwards fd 3 only when LISTEN_PID is its own), exec NSPAWN.
 *
 * --stdio      the connection becomes stdin and stdout (inetd style), LISTEN_* are removed;
 *              otherwise it stays fd 3 with LISTEN_FDS=1, LISTEN_PID=<own pid>, LISTEN_FDNAMES.
 * --filter F   F is a classic-BPF seccomp program (struct sock_filter[]) compiled by nonetd; it is
 *              installed with no_new_privs just before exec. If it cannot be installed, nothing runs.
 * --drop-caps  empty the capability bounding set and every capability set, so that the service runs
 *              (as root of its user namespace) with no capabilities at all. Needs CAP_SETPCAP.
 *
 * Exit status: 0 pool drained, 1 a setup step failed (message on stderr), 2 usage, 127 exec failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CONN_FD 3
#define MAX_ENV_BYTES 4096
#define MAX_FILTER_BYTES (4096 * sizeof(struct sock_filter)) /* the kernel's BPF_MAXINSNS */

static int fail(const char *what) {
    fprintf(stderr, "nonetd-helper: %s: %s\n", what, strerror(errno));
    return 1;
}

static int usage(void) {
    fputs("usage: nonetd-helper exec|wait [--filter FILE] [--drop-caps] [--stdio] -- COMMAND [ARG...]\n"
          "       nonetd-helper nspawn [--cgroup PROCS]... -- NSPAWN [ARG...]\n", stderr);
    return 2;
}

/* Reads the whole filter file; a size that is no whole number of instructions is refused. */
static int load_filter(const char *path, struct sock_fprog *prog) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(path);
    struct stat st;
    if (fstat(fd, &st) < 0) return fail(path);
    if (st.st_size <= 0 || (size_t)st.st_size > MAX_FILTER_BYTES || st.st_size % sizeof(struct sock_filter) != 0) {
        fprintf(stderr, "nonetd-helper: %s: %lld bytes is not a seccomp program\n", path, (long long)st.st_size);
        return 1;
    }
    struct sock_filter *code = malloc((size_t)st.st_size);
    if (!code) return fail("malloc");
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, (char *)code + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return fail(path);
        got += (size_t)n;
    }
    close(fd);
    prog->len = (unsigned short)(st.st_size / sizeof(struct sock_filter));
    prog->filter = code;
    return 0;
}

/* A name the daemon may set: upper case, digits and '_'. */
static int valid_name(const char *s, size_t len) {
    if (len == 0) return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return 0;
    }
    return 1;
}

/* Applies "KEY=VALUE\0KEY=VALUE\0..." to the environment. */
static int apply_env(char *block, size_t len) {
    size_t i = 0;
    while (i < len) {
        char *entry = block + i;
        size_t n = strnlen(entry, len - i);
        if (n == len - i) { fputs("nonetd-helper: environment block not terminated\n", stderr); return 1; }
        if (n == 0) { i++; continue; }
        char *eq = memchr(entry, '=', n);
        if (!eq || !valid_name(entry, (size_t)(eq - entry))) {
            fputs("nonetd-helper: bad environment entry from the daemon\n", stderr);
            return 1;
        }
        *eq = '\0';
        if (setenv(entry, eq + 1, 1) < 0) return fail("setenv");
        i += n + 1;
    }
    return 0;
}

/*
 * Warm pool: tell the daemon we are up, then wait for the connection. Returns the connection's
 * fd (close-on-exec), -2 when the daemon closed the socket, -1 on error.
 */
static int receive_connection(void) {
    static const char ready = 'R';
    if (send(CONN_FD, &ready, 1, MSG_NOSIGNAL) != 1) {
        if (errno == EPIPE || errno == ECONNRESET) return -2;
        return fail("tell the daemon we are ready"), -1;
    }
    static char data[MAX_ENV_BYTES];
    union { struct cmsghdr align; char buf[CMSG_SPACE(4 * sizeof(int))]; } control;
    struct iovec iov = { .iov_base = data, .iov_len = sizeof data };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf };
    ssize_t n;
    do n = recvmsg(CONN_FD, &msg, MSG_CMSG_CLOEXEC); while (n < 0 && errno == EINTR);
    if (n < 0) return fail("receive the connection"), -1;
    int conn = -1, extra = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t k = 0; k < count; k++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + k * sizeof(int), sizeof fd);
            if (conn < 0) conn = fd; else { close(fd); extra++; }
        }
    }
    if (n == 0 && conn < 0) return -2;
    if ((msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) || conn < 0 || extra) {
        fprintf(stderr, "nonetd-helper: malformed message from the daemon (%zd bytes, %s)\n", n,
                conn < 0 ? "no fd" : extra ? "more than one fd" : "truncated");
        if (conn >= 0) close(conn);
        return -1;
    }
    if (apply_env(data, (size_t)n)) { close(conn); return -1; }
    return conn;
}

/* Makes the connection fd 3, without close-on-exec, and closes the pool socket that was there. */
static int connection_to_fd3(int conn) {
    if (dup2(conn, CONN_FD) < 0) return fail("dup2");
    close(conn);
    return 0;
}

static int place_connection(int stdio) {
    if (stdio) {
        if (dup2(CONN_FD, 0) < 0 || dup2(CONN_FD, 1) < 0) return fail("dup2");
        close(CONN_FD);
        unsetenv("LISTEN_FDS");
        unsetenv("LISTEN_PID");
        unsetenv("LISTEN_FDNAMES");
        return 0;
    }
    char pid[24];
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    if (setenv("LISTEN_FDS", "1", 1) < 0 || setenv("LISTEN_PID", pid, 1) < 0 || setenv("LISTEN_FDNAMES", "connection", 1) < 0)
        return fail("setenv");
    return 0;
}

/* Bounding set first (it needs CAP_SETPCAP, which goes with it), then ambient, then the rest. */
static int drop_capabilities(void) {
    for (int cap = 0; cap < 64; cap++) {
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) return fail("drop the capability bounding set");
    }
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) return fail("clear ambient capabilities");
    struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &header, data) < 0) return fail("clear capabilities");
    return 0;
}

static int install_filter(struct sock_fprog *prog) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return fail("set no_new_privs");
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) < 0) return fail("install the seccomp filter");
    return 0;
}

/* Host mode: see the header. */
static int host_nspawn(int argc, char **argv) {
    int i = 2;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--cgroup") != 0 || i + 1 >= argc) return usage();
        const char *procs = argv[++i];
        int fd = open(procs, O_WRONLY | O_CLOEXEC);
        char pid[24];
        int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
        if (fd < 0 || write(fd, pid, (size_t)len) != len) {
            fprintf(stderr, "nonetd: cannot join the session's cgroups (%s): %s\n", procs, strerror(errno));
            return 1;
        }
        close(fd);
    }
    if (i + 1 >= argc) return usage();
    if (getenv("LISTEN_FDS")) {
        char pid[24];
        snprintf(pid, sizeof pid, "%ld", (long)getpid());
        if (setenv("LISTEN_PID", pid, 1) < 0) return fail("setenv");
    }
    execv(argv[i + 1], argv + i + 1);
    fprintf(stderr, "nonetd-helper: cannot execute '%s': %s\n", argv[i + 1], strerror(errno));
    return 127;
}

int main(int argc, char **argv) {
    if (argc < 2) return usage();
    if (strcmp(argv[1], "nspawn") == 0) return host_nspawn(argc, argv);
    int wait_mode = strcmp(argv[1], "wait") == 0;
    if (!wait_mode && strcmp(argv[1], "exec") != 0) return usage();
    const char *filter = NULL;
    int stdio = 0, drop_caps = 0, i = 2;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--stdio") == 0) stdio = 1;
        else if (strcmp(argv[i], "--drop-caps") == 0) drop_caps = 1;
        else if (strcmp(argv[i], "--filter") == 0 && i + 1 < argc) filter = argv[++i];
        else return usage();
    }
    if (i + 1 >= argc) return usage();
    char **command = argv + i + 1;

    /* Read the filter first: a pool container that cannot filter fails now, not on its connection. */
    struct sock_fprog prog = { 0 };
    if (filter && load_filter(filter, &prog)) return 1;
    if (fcntl(CONN_FD, F_GETFD) < 0) return fail("fd 3");
    if (wait_mode) {
        int conn = receive_connection();
        if (conn == -2) return 0;
        if (conn < 0 || connection_to_fd3(conn)) return 1;
    }
    if (place_connection(stdio)) return 1;
    if (drop_caps && drop_capabilities()) return 1;
    if (filter && install_filter(&prog)) return 1;
    execvp(command[0], command);
    fprintf(stderr, "nonetd-helper: cannot execute '%s': %s\n", command[0], strerror(errno));
    return 127;
}
