package io.nonetd.os;

import java.util.ArrayList;
import java.util.List;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;

/**
 * Compiles a syscall filter into a classic-BPF program with libseccomp (libseccomp.so.2, which
 * systemd itself links, so every host that runs nspawn has it). Used once at start; the program
 * is then installed in each container by nonetd-helper. Native architecture only: a syscall of
 * another ABI (i386, x32) hits libseccomp's bad-arch action, which kills the caller.
 */
public final class Seccomp {
    /** The subset of libseccomp's API that nonetd uses. */
    public interface Lib {
        Pointer seccomp_init(int defaultAction);
        int seccomp_syscall_resolve_name(String name);
        int seccomp_rule_add_array(Pointer ctx, int action, int syscall, int argCount, Pointer args);
        int seccomp_export_bpf(Pointer ctx, int fd);
        int seccomp_attr_set(Pointer ctx, int attr, int value);
        Pointer seccomp_version();
        void seccomp_release(Pointer ctx);
    }

    public static final int ACT_ALLOW = 0x7fff0000, ACT_KILL_PROCESS = 0x80000000;
    /** enum scmp_filter_attr: SCMP_FLTATR_ACT_BADARCH, SCMP_FLTATR_CTL_OPTIMIZE. */
    private static final int ATTR_ACT_BADARCH = 2, ATTR_CTL_OPTIMIZE = 8;
    /** Optimize for speed: a binary tree of syscall numbers instead of a list (libseccomp >= 2.5). */
    private static final int OPTIMIZE_BINARY_TREE = 2;
    /** libseccomp's __NR_SCMP_ERROR: a name this architecture does not have. */
    private static final int NR_UNKNOWN = -1;
    /** struct scmp_arg_cmp: unsigned arg, enum op, u64 datum_a, u64 datum_b. */
    private static final int ARG_CMP_BYTES = 24;

    public static int actErrno(int errno) {
        return 0x00050000 | (errno & 0xffff);
    }

    /** enum scmp_compare. */
    public enum Op {
        NE(1), LT(2), LE(3), EQ(4), GE(5), GT(6), MASKED_EQ(7);
        final int code;

        Op(int code) {
            this.code = code;
        }
    }

    /** One comparison of syscall argument {@code arg} (0-based): for MASKED_EQ, (arg & a) == b. */
    public record Cmp(int arg, Op op, long a, long b) {}

    /** {@code action} for {@code syscall} when every comparison holds (all of them: AND). */
    public record Rule(String syscall, int action, List<Cmp> when) {}

    /** A compiled program and the names that do not exist on this architecture (skipped). */
    public record Program(byte[] bpf, List<String> unknown) {}

    private Seccomp() {}

    /** Loads libseccomp, or throws naming what is missing. */
    public static Lib load() throws OsException {
        try {
            return LibraryLoader.create(Lib.class).failImmediately().load("seccomp");
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            throw new OsException("load libseccomp.so.2", 0, String.valueOf(e.getMessage()));
        }
    }

    /** libseccomp's version, "2.5.4". */
    public static String version(Lib lib) {
        Pointer v = lib.seccomp_version();
        return v == null ? "unknown" : v.getInt(0) + "." + v.getInt(4) + "." + v.getInt(8);
    }

    /**
     * Compiles {@code rules} over {@code defaultAction}; a syscall of another ABI gets {@code badArch}.
     * Rules for syscalls this architecture does not have are skipped and listed.
     */
    public static Program compile(Lib lib, int defaultAction, int badArch, List<Rule> rules) throws OsException {
        Pointer ctx = lib.seccomp_init(defaultAction);
        if (ctx == null) throw new OsException("seccomp_init", 0, "libseccomp refused the default action");
        List<String> unknown = new ArrayList<>();
        try {
            int set = lib.seccomp_attr_set(ctx, ATTR_ACT_BADARCH, badArch);
            if (set < 0) throw new OsException("seccomp_attr_set(ACT_BADARCH)", -set, Native.describe(-set));
            lib.seccomp_attr_set(ctx, ATTR_CTL_OPTIMIZE, OPTIMIZE_BINARY_TREE); // older libseccomp: a list, just as strict
            for (Rule r : rules) {
                if (r.action() == defaultAction) continue; // libseccomp refuses those (EACCES): the default does it
                int nr = lib.seccomp_syscall_resolve_name(r.syscall());
                if (nr == NR_UNKNOWN) {
                    unknown.add(r.syscall());
                    continue;
                }
                Pointer args = r.when().isEmpty() ? null : Native.allocate(ARG_CMP_BYTES * r.when().size());
                for (int i = 0; i < r.when().size(); i++) {
                    Cmp c = r.when().get(i);
                    args.putInt(i * ARG_CMP_BYTES, c.arg());
                    args.putInt(i * ARG_CMP_BYTES + 4, c.op().code);
                    args.putLong(i * ARG_CMP_BYTES + 8, c.a());
                    args.putLong(i * ARG_CMP_BYTES + 16, c.b());
                }
                int rc = lib.seccomp_rule_add_array(ctx, r.action(), nr, r.when().size(), args);
                if (rc < 0) throw new OsException("seccomp_rule_add(" + r.syscall() + ")", -rc, Native.describe(-rc));
            }
            return new Program(export(lib, ctx), List.copyOf(unknown));
        } finally {
            lib.seccomp_release(ctx);
        }
    }

    /** The program through a pipe (a filter is at most 32 KiB, well under a pipe's 64 KiB). */
    private static byte[] export(Lib lib, Pointer ctx) throws OsException {
        Pipe pipe = Pipe.open();
        try (Fd r = pipe.readEnd()) {
            try (Fd w = pipe.writeEnd()) {
                int rc = lib.seccomp_export_bpf(ctx, w.fd());
                if (rc < 0) throw new OsException("seccomp_export_bpf", -rc, Native.describe(-rc));
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = Pipe.read(r, buf)) > 0; ) out.write(buf, 0, n);
            return out.toByteArray();
        }
    }
}
