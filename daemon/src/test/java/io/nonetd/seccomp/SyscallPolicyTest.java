package io.nonetd.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nonetd.os.Seccomp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The precompiled filter is at least as strict as nspawn's: every syscall it allows is one nspawn
 * 252 allows for the capabilities a nonetd container keeps (groups expanded by this machine's
 * systemd-analyze, the same tables nspawn uses), and it refuses what a service never needs.
 */
class SyscallPolicyTest {
    /** What nspawn's default set keeps after NspawnCommand.DROPPED_CAPABILITIES. */
    static final Set<String> KEPT_CAPABILITIES = Set.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
            "CAP_NET_BIND_SERVICE", "CAP_SETGID", "CAP_SETUID", "CAP_SYS_CHROOT");

    @Test
    void allowsNothingNspawnWouldRefuse() throws Exception {
        Set<String> nspawn = new HashSet<>();
        for (String line : resource("nspawn-252.list")) {
            String[] w = line.split("\\s+");
            if (!w[0].equals("0") && !KEPT_CAPABILITIES.contains(w[0])) continue;
            if (w[1].equals("@mount")) continue; // our --system-call-filter=~@mount
            nspawn.addAll(w[1].startsWith("@") ? expand(w[1]) : Set.of(w[1]));
        }
        Set<String> extra = new TreeSet<>(SyscallPolicy.names(SyscallPolicy.ALLOW));
        extra.removeAll(nspawn);
        assertEquals(Set.of(), extra, "allowed by allow.list but not by nspawn 252");
        Set<String> mounts = new TreeSet<>(expand("@mount"));
        mounts.retainAll(SyscallPolicy.names(SyscallPolicy.ALLOW));
        assertEquals(Set.of(), mounts, "no mount syscall");
    }

    @Test
    void refusesWhatServicesNeverNeed() {
        List<String> allowed = SyscallPolicy.names(SyscallPolicy.ALLOW);
        for (String s : List.of("kexec_load", "kexec_file_load", "open_by_handle_at", "bpf", "keyctl", "add_key", "request_key", "perf_event_open",
                "init_module", "finit_module", "delete_module", "mount", "umount2", "pivot_root", "fsopen", "move_mount", "unshare", "setns",
                "userfaultfd", "io_uring_setup", "ptrace", "process_vm_writev", "reboot", "swapon", "chroot")) {
            assertFalse(allowed.contains(s), s + " must not be allowed");
        }
        assertTrue(allowed.containsAll(List.of("read", "write", "execve", "openat", "mmap", "futex", "exit_group", "rt_sigaction", "close_range")));
    }

    @Test
    void namespacesAudit32BitAndClone3() {
        List<Seccomp.Rule> rules = SyscallPolicy.rules();
        Seccomp.Rule cloneAllow = rules.stream().filter(r -> r.syscall().equals("clone") && r.action() == Seccomp.ACT_ALLOW).findFirst().orElseThrow();
        assertEquals(List.of(new Seccomp.Cmp(0, Seccomp.Op.MASKED_EQ, 0x7E020000L, 0)), cloneAllow.when(), "clone only without namespace flags");
        assertTrue(rules.contains(new Seccomp.Rule("clone3", Seccomp.actErrno(38), List.of())), "clone3: ENOSYS, glibc falls back to clone");
        assertTrue(rules.contains(new Seccomp.Rule("socket", Seccomp.actErrno(97), List.of(new Seccomp.Cmp(0, Seccomp.Op.EQ, 16, 0),
                new Seccomp.Cmp(2, Seccomp.Op.NE, 0, 0)))), "netlink other than NETLINK_ROUTE (audit, ...) answers EAFNOSUPPORT");
        assertTrue(rules.stream().noneMatch(r -> r.syscall().equals("socket") && r.action() == Seccomp.ACT_ALLOW
                && r.when().get(0).op() == Seccomp.Op.EQ && r.when().get(0).a() == 17), "no AF_PACKET");
        assertEquals(Seccomp.actErrno(38), SyscallPolicy.defaultAction(), "unknown syscalls: ENOSYS, so programs fall back");
        Set<String> both = new HashSet<>(SyscallPolicy.names(SyscallPolicy.ALLOW));
        both.retainAll(SyscallPolicy.names(SyscallPolicy.DENY));
        assertEquals(Set.of(), both, "a name is either allowed or denied");
    }

    private static List<String> resource(String name) throws IOException {
        try (InputStream in = SyscallPolicyTest.class.getResourceAsStream(name)) {
            List<String> lines = new ArrayList<>();
            for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!l.isBlank() && !l.startsWith("#")) lines.add(l.strip());
            }
            return lines;
        }
    }

    /** A syscall group as this machine's systemd (252 on Debian 12) defines it. */
    private static Set<String> expand(String group) throws Exception {
        Process p = new ProcessBuilder("systemd-analyze", "syscall-filter", "--no-pager", group).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        Set<String> names = new HashSet<>();
        for (String l : out.split("\n")) {
            String s = l.strip();
            if (s.isEmpty() || s.startsWith("#") || s.startsWith("@")) continue;
            names.add(s);
        }
        assertFalse(names.isEmpty(), group);
        return names;
    }
}
