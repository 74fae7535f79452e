package io.nonetd.seccomp;

import io.nonetd.os.Seccomp;
import io.nonetd.os.Seccomp.Cmp;
import io.nonetd.os.Seccomp.Op;
import io.nonetd.os.Seccomp.Rule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * nonetd's own syscall filter, used with Seccomp=precompiled instead of nspawn's. Pure: it only
 * says which syscalls are allowed and how; {@link Seccomp} compiles it.
 *
 * <p>allow.list is nspawn 252's allow-list for the capabilities a nonetd container keeps, minus
 * the mount family (our --system-call-filter=~@mount), minus calls that widen the kernel's attack
 * surface and that services do not need (the list's header says which). As under nspawn, a
 * syscall systemd knows but does not allow fails with EPERM (deny.list), any other with ENOSYS, so
 * that programs fall back to older calls. Stricter than nspawn:
 * <ul>
 *   <li>clone may not create namespaces (a nested user namespace would give the service
 *       CAP_NET_ADMIN over netfilter and friends); unshare and setns are not allowed at all;</li>
 *   <li>clone3 answers ENOSYS (its flags are in memory, where a filter cannot look), and glibc
 *       falls back to clone;</li>
 *   <li>socket: only AF_UNIX, AF_INET, AF_INET6 and NETLINK_ROUTE; every other family answers
 *       EAFNOSUPPORT (so no AF_ALG, AF_PACKET, audit, ...);</li>
 *   <li>personality may only be queried or reset, not change the address-space layout;</li>
 *   <li>only the native ABI: an i386 or x32 syscall kills the process.</li>
 * </ul>
 * Comparisons are exact on all 64 bits, so junk in an argument's upper half never matches an
 * allow rule: it falls to the default, a refusal.
 */
public final class SyscallPolicy {
    static final String ALLOW = "allow.list", DENY = "deny.list";
    static final int EPERM = 1, ENOSYS = 38, EAFNOSUPPORT = 97;
    /** CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET. */
    static final long[] NAMESPACE_FLAGS = {0x00020000L, 0x02000000L, 0x04000000L, 0x08000000L, 0x10000000L, 0x20000000L, 0x40000000L};
    static final int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16, AF_MAX = 46, NETLINK_ROUTE = 0;
    /** Allowed only with the argument rules below, never plainly. */
    static final Set<String> CONDITIONAL = Set.of("clone", "clone3", "socket", "personality");

    private SyscallPolicy() {}

    /** What a syscall nobody knew of when the lists were made gets. */
    public static int defaultAction() {
        return Seccomp.actErrno(ENOSYS);
    }

    /** The rules; names this architecture does not have are skipped by the compiler. */
    public static List<Rule> rules() {
        List<Rule> rules = new ArrayList<>();
        for (String n : names(ALLOW)) {
            if (!CONDITIONAL.contains(n)) rules.add(new Rule(n, Seccomp.ACT_ALLOW, List.of()));
        }
        for (String n : names(DENY)) {
            if (!CONDITIONAL.contains(n)) rules.add(new Rule(n, Seccomp.actErrno(EPERM), List.of()));
        }
        long all = 0;
        for (long f : NAMESPACE_FLAGS) {
            all |= f;
            rules.add(new Rule("clone", Seccomp.actErrno(EPERM), List.of(new Cmp(0, Op.MASKED_EQ, f, f))));
        }
        rules.add(new Rule("clone", Seccomp.ACT_ALLOW, List.of(new Cmp(0, Op.MASKED_EQ, all, 0))));
        rules.add(new Rule("clone3", Seccomp.actErrno(ENOSYS), List.of()));
        for (int family = 0; family < AF_MAX; family++) {
            boolean allowed = family == AF_UNIX || family == AF_INET || family == AF_INET6;
            if (family == AF_NETLINK) continue;
            rules.add(new Rule("socket", allowed ? Seccomp.ACT_ALLOW : Seccomp.actErrno(EAFNOSUPPORT), List.of(new Cmp(0, Op.EQ, family, 0))));
        }
        rules.add(new Rule("socket", Seccomp.actErrno(EAFNOSUPPORT), List.of(new Cmp(0, Op.GE, AF_MAX, 0))));
        rules.add(new Rule("socket", Seccomp.ACT_ALLOW, List.of(new Cmp(0, Op.EQ, AF_NETLINK, 0), new Cmp(2, Op.EQ, NETLINK_ROUTE, 0))));
        rules.add(new Rule("socket", Seccomp.actErrno(EAFNOSUPPORT), List.of(new Cmp(0, Op.EQ, AF_NETLINK, 0), new Cmp(2, Op.NE, NETLINK_ROUTE, 0))));
        rules.add(new Rule("personality", Seccomp.ACT_ALLOW, List.of(new Cmp(0, Op.EQ, 0, 0))));
        rules.add(new Rule("personality", Seccomp.ACT_ALLOW, List.of(new Cmp(0, Op.MASKED_EQ, 0xffffffffL, 0xffffffffL))));
        return rules;
    }

    /** The syscall names in a list, in file order ('#' starts a comment, a tab starts a note). */
    static List<String> names(String resource) {
        try (InputStream in = SyscallPolicy.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException(resource + " is missing from the jar");
            List<String> names = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String name = line.replaceFirst("#.*", "").strip().split("\\s")[0];
                if (!name.isEmpty()) names.add(name);
            }
            return names;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource + ": " + e.getMessage(), e);
        }
    }
}
