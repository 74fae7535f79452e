package io.nonetd.container;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Facts about the host that change how nspawn is run. Detected once by Main. */
public record Host(String nspawn, String shell, boolean systemdBooted) {

    /** Finds systemd-nspawn and tells whether systemd is PID 1 (sd_booted(3): /run/systemd/system exists). */
    public static Host detect() {
        String nspawn = List.of("/usr/bin/systemd-nspawn", "/bin/systemd-nspawn").stream()
                .filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
        return new Host(nspawn, "/bin/sh", Files.isDirectory(Path.of("/run/systemd/system")));
    }

    /** Where a killed nspawn may leave its machine's propagation directory behind. */
    public static Path propagateDir(String machine) {
        return Path.of("/run/systemd/nspawn/propagate", machine);
    }
}
