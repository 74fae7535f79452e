package io.nonetd.cgroup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where per-session cgroups go when systemd is not PID 1: under the daemon's own cgroup in the
 * cgroup v1 hierarchies of the pids, memory and cpu controllers (a session inherits the limits
 * of every ancestor). Null when those hierarchies are not there, e.g. on a pure cgroup v2 host.
 */
public record CgroupLayout(Path pids, Path memory, Path cpu) {
    static final Path ROOT = Path.of("/sys/fs/cgroup");

    /** Parses /proc/self/cgroup ("4:memory:/process_api/x", "8:cpu,cpuacct:/") into the base directories. */
    public static CgroupLayout parse(String procSelfCgroup, Path root) {
        Map<String, Path> dirs = new LinkedHashMap<>();
        for (String line : procSelfCgroup.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length != 3 || f[1].isEmpty()) continue;
            for (String controller : f[1].split(",")) {
                if (controller.equals("pids") || controller.equals("memory") || controller.equals("cpu")) {
                    dirs.put(controller, root.resolve(controller + f[2]).normalize().resolve("nonetd"));
                }
            }
        }
        if (dirs.size() != 3) return null;
        return new CgroupLayout(dirs.get("pids"), dirs.get("memory"), dirs.get("cpu"));
    }

    /** The layout for this process, if the v1 hierarchies are mounted where /proc says. */
    public static CgroupLayout detect() {
        try {
            CgroupLayout l = parse(Files.readString(Path.of("/proc/self/cgroup")), ROOT);
            if (l == null) return null;
            for (Path p : new Path[] {l.pids, l.memory, l.cpu}) {
                if (!Files.isDirectory(p.getParent())) return null;
            }
            return l;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "cgroup v1 " + pids + ", " + memory + ", " + cpu;
    }
}
