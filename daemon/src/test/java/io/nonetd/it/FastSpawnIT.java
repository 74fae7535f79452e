package io.nonetd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seccomp=precompiled: nspawn's own filter is off (SYSTEMD_SECCOMP=0) and nonetd-helper installs
 * nonetd's. A probe inside the container reports its status and calls dangerous syscalls directly
 * (perl's syscall(), by x86_64 number, so that no libc wrapper can hide a refusal).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FastSpawnIT {
    /** x86_64 numbers; each call gets harmless arguments, the filter refuses it before the kernel looks. */
    static final Map<String, String> CALLS = new LinkedHashMap<>();

    static {
        CALLS.put("kexec_load", "syscall(246, 0, 0, 0, 0)");
        CALLS.put("open_by_handle_at", "syscall(304, -100, 0, 0)");
        CALLS.put("bpf", "syscall(321, 0, 0, 0)");
        CALLS.put("keyctl", "syscall(250, 0, 0, 0, 0, 0)");
        CALLS.put("add_key", "my ($s0,$s1) = (\"user\", \"x\"); syscall(248, $s0, $s1, 0, 0, -3)");
        CALLS.put("request_key", "my ($s0,$s1) = (\"user\", \"x\"); syscall(249, $s0, $s1, 0, -3)");
        CALLS.put("perf_event_open", "syscall(298, 0, 0, -1, -1, 0)");
        CALLS.put("init_module", "my ($s0) = (\"\"); syscall(175, 0, 0, $s0)");
        CALLS.put("finit_module", "my ($s0) = (\"\"); syscall(313, -1, $s0, 0)");
        CALLS.put("mount", "my ($s0,$s1,$s2) = (\"none\", \"/tmp\", \"tmpfs\"); syscall(165, $s0, $s1, $s2, 0, 0)");
        CALLS.put("umount2", "my ($s0) = (\"/tmp\"); syscall(166, $s0, 0)");
        CALLS.put("unshare_user", "syscall(272, 0x10000000)");
        CALLS.put("setns", "syscall(308, -1, 0)");
        CALLS.put("clone_newuser", "syscall(56, 0x10000011, 0, 0, 0, 0)");
        CALLS.put("userfaultfd", "syscall(323, 0)");
        CALLS.put("io_uring_setup", "syscall(425, 1, 0)");
        CALLS.put("ptrace", "syscall(101, 16, 1, 0, 0)");
        CALLS.put("reboot", "syscall(169, 0, 0, 0, 0)");
        CALLS.put("swapon", "my ($s0) = (\"/x\"); syscall(167, $s0, 0)");
        CALLS.put("pivot_root", "my ($s0,$s1) = (\"/\", \"/\"); syscall(155, $s0, $s1)");
        CALLS.put("chroot", "my ($s0) = (\"/\"); syscall(161, $s0)");
        CALLS.put("clone3", "syscall(435, 0, 0)");
        CALLS.put("socket_packet", "syscall(41, 17, 3, 0)");
        CALLS.put("socket_alg", "syscall(41, 38, 5, 0)");
        CALLS.put("socket_audit", "syscall(41, 16, 3, 9)");
    }

    /** The first 8 hex digits of sha256("ok\n"). */
    static final String OK_SHA256 = "dc51b8c9";

    static final String PROBE = """
            #!/bin/bash
            grep -E '^(Seccomp|CapEff|CapBnd|NoNewPrivs):' /proc/self/status
            echo "uidmap $(head -n1 /proc/self/uid_map | tr -s ' ' | sed 's/^ //')"
            while read -r name args; do
              echo "call $name $(perl -e "\\$r = do { $args }; print \\$r < 0 ? \\$! + 0 : 0")"
            done <<'CALLS'
            %s
            CALLS
            perl -e 'syscall(0x40000027)'; echo "x32 $?"
            echo "everyday $(echo ok | sha256sum | cut -c1-8)"
            """;

    @TempDir
    Path dir;

    @Test
    void precompiledFilterCapabilitiesAndUsers() throws Exception {
        Map<String, String> report = run("precompiled");
        assertEquals("2", report.get("Seccomp:"), "a seccomp filter is on");
        assertEquals("0000000000000000", report.get("CapEff:"), "no effective capabilities");
        assertEquals("0000000000000000", report.get("CapBnd:"), "nothing to regain either");
        assertEquals("1", report.get("NoNewPrivs:"));
        String[] map = report.get("uidmap").split(" ");
        assertEquals("0", map[0], "root inside");
        long hostUid = Long.parseLong(map[1]);
        assertTrue(hostUid >= 0x70000000L && hostUid < 0x7FFE0000L, "root inside is nonetd's unprivileged range, got host uid " + hostUid);
        for (String call : CALLS.keySet()) {
            String errno = report.get("call " + call);
            String expected = call.equals("clone3") ? "38" : call.startsWith("socket_") ? "97" : "1";
            assertEquals(expected, errno, call + " must be refused by the filter (EPERM 1, ENOSYS 38, EAFNOSUPPORT 97)");
        }
        assertEquals("159", report.get("x32"), "an x32 syscall kills the process (SIGSYS)");
        assertEquals(OK_SHA256, report.get("everyday"), "ordinary programs run");
    }

    /** Whatever nspawn's own filter refuses, ours refuses too (on these calls). */
    @Test
    void refusesEverythingNspawnRefuses() throws Exception {
        Map<String, String> nspawn = run("nspawn");
        Map<String, String> ours = run("precompiled");
        assertTrue(nspawn.get("CapEff:").matches("0*[1-9a-f][0-9a-f]*"), "under nspawn's filter the service keeps some capabilities");
        for (String call : CALLS.keySet()) {
            if (!nspawn.get("call " + call).equals("0")) {
                assertTrue(!ours.get("call " + call).equals("0"), call + " is refused by nspawn's filter but allowed by ours");
            }
        }
        assertEquals("0", nspawn.get("call unshare_user"), "nspawn 252 lets a service create a nested user namespace; ours does not");
    }

    private Map<String, String> run(String seccomp) throws Exception {
        Path probe = dir.resolve("probe.sh");
        StringBuilder calls = new StringBuilder();
        CALLS.forEach((k, v) -> calls.append(k).append(' ').append(v).append('\n'));
        Files.writeString(probe, PROBE.formatted(calls.toString().strip()));
        Map<String, String> report = new LinkedHashMap<>();
        try (NonetdProcess d = NonetdProcess.withConfig(dir, "fast-" + seccomp, "[Service]\nExecStart=/bin/bash /probe.sh\n[Container]\nSeccomp="
                + seccomp + "\nBindReadOnly=" + probe + ":/probe.sh\n")) {
            String out = Client.exchange(d.port(), "");
            for (String line : out.split("\n")) {
                String[] w = line.strip().split("\\s+", line.startsWith("call ") ? 3 : 2);
                if (w.length == 3) report.put(w[0] + " " + w[1], w[2]);
                else if (w.length == 2) report.put(w[0], w[1]);
            }
            assertTrue(report.containsKey("everyday"), "probe ran to the end under Seccomp=" + seccomp + ":\n" + out + "\nlog:\n" + String.join("\n", d.log()));
            if (seccomp.equals("precompiled")) d.awaitLog("session start: .*fast spawn");
        }
        return report;
    }
}
