package io.nonetd.container;

import io.nonetd.cgroup.CgroupLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Facts about the host that change how nspawn is run. Detected once by Main. */
public record Host(String nspawn, String shell, boolean systemdBooted, boolean machined, CgroupLayout cgroups) {

    /** Finds systemd-nspawn and tells whether systemd is PID 1 (sd_booted(3): /run/systemd/system exists). */
    public static Host detect() {
        String nspawn = List.of("/usr/bin/systemd-nspawn", "/bin/systemd-nspawn").stream()
                .filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
        boolean booted = Files.isDirectory(Path.of("/run/systemd/system"));
        boolean machined = Files.isExecutable(Path.of("/usr/lib/systemd/systemd-machined")) || Files.isExecutable(Path.of("/lib/systemd/systemd-machined"));
        return new Host(nspawn, "/bin/sh", booted, machined, booted ? null : CgroupLayout.detect());
    }

    /** How TasksMax=, MemoryMax= and CPUQuota= are enforced, for the start-up log line. */
    public String limitsMechanism() {
        if (systemdBooted) return "the scope systemd creates for each container (--property=)";
        if (cgroups != null) return "a cgroup per session under the daemon's own (" + cgroups + ")";
        return "NOTHING: systemd is not PID 1 and no cgroup v1 pids/memory/cpu hierarchy was found";
    }

    /** Where nspawn keeps a directory per machine; a killed nspawn leaves its directory behind. */
    public static final Path PROPAGATE_ROOT = Path.of("/run/systemd/nspawn/propagate");

    public static Path propagateDir(String machine) {
        return PROPAGATE_ROOT.resolve(machine);
    }
}
