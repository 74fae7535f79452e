package io.nonetd.cgroup;

import io.nonetd.config.ServiceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One session's cgroups (v1 pids, memory, cpu) with its TasksMax, MemoryMax and CPUQuota written
 * in. The daemon creates them before the spawn; the spawned shim joins them before it execs
 * nspawn, so nothing of the session ever runs outside. Removed after the session ends, once
 * every task left in them is killed. Used on the loop thread.
 */
public final class SessionCgroup {
    private final List<Path> dirs;

    private SessionCgroup(List<Path> dirs) {
        this.dirs = dirs;
    }

    public static Path dirFor(Path base, String id) {
        return base.resolve(id);
    }

    /** The groups of a session an earlier daemon created, for cleaning up after it. */
    public static SessionCgroup existing(CgroupLayout layout, String id) {
        return new SessionCgroup(List.of(dirFor(layout.pids(), id), dirFor(layout.memory(), id), dirFor(layout.cpu(), id)));
    }

    /** Creates the groups of session {@code id} and writes the limits; throws when any write fails. */
    public static SessionCgroup create(CgroupLayout layout, String id, ServiceConfig.Limits limits) throws IOException {
        Path pids = dirFor(layout.pids(), id), memory = dirFor(layout.memory(), id), cpu = dirFor(layout.cpu(), id);
        SessionCgroup cg = new SessionCgroup(List.of(pids, memory, cpu));
        try {
            for (Path d : cg.dirs) Files.createDirectories(d);
            // nspawn counts too, as it does in the scope systemd gives it when systemd is PID 1.
            if (limits.tasksMax() != null) write(pids.resolve("pids.max"), Long.toString(limits.tasksMax()));
            if (limits.memoryMax() != null) {
                write(memory.resolve("memory.limit_in_bytes"), Long.toString(limits.memoryMax()));
                Path memsw = memory.resolve("memory.memsw.limit_in_bytes"); // present when swap accounting is on: no escape into swap
                if (Files.exists(memsw)) write(memsw, Long.toString(limits.memoryMax()));
            }
            if (limits.cpuQuotaPercent() != null) {
                write(cpu.resolve("cpu.cfs_period_us"), "100000");
                write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(limits.cpuQuotaPercent() * 1000L));
            }
            return cg;
        } catch (IOException e) {
            cg.remove();
            throw e;
        }
    }

    /** The files the shim writes its pid into. */
    public List<Path> procsFiles() {
        return dirs.stream().map(d -> d.resolve("cgroup.procs")).toList();
    }

    /** Kills every task still in the session's groups (say, orphans of a killed nspawn), then removes them. */
    public boolean remove() {
        for (int round = 0; round < 20; round++) {
            List<Long> pids = tasks();
            if (pids.isEmpty()) break;
            for (long pid : pids) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        boolean all = true;
        for (Path d : dirs) {
            try {
                Files.deleteIfExists(d);
            } catch (IOException e) {
                all = false;
            }
        }
        return all;
    }

    private List<Long> tasks() {
        List<Long> out = new ArrayList<>();
        for (Path d : dirs) {
            try {
                for (String l : Files.readAllLines(d.resolve("cgroup.procs"))) if (!l.isBlank()) out.add(Long.parseLong(l.strip()));
            } catch (IOException | NumberFormatException gone) {
                // already removed
            }
        }
        return out;
    }

    private static void write(Path file, String value) throws IOException {
        Files.writeString(file, value);
    }
}
