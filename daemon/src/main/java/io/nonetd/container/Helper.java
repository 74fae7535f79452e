package io.nonetd.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * nonetd-helper (a small static C program, daemon/src/main/c) and the compiled syscall filter,
 * in one directory of the daemon's own that nspawn binds read-only into a container at
 * {@link #IN_CONTAINER}. The helper is the container's first program when the filter is
 * precompiled or the container waits in the warm pool. {@code filter} is false when no filter
 * could be compiled: then the helper serves the pool only, under nspawn's filter.
 */
public record Helper(Path dir, boolean filter) {
    public static final String IN_CONTAINER = "/run/nonetd";
    public static final String BINARY = "nonetd-helper";
    static final String FILTER = "filter.bpf";
    /** Where the packages install the helper. */
    public static final Path INSTALLED = Path.of("/usr/lib/nonetd", BINARY);

    public String binaryInContainer() {
        return IN_CONTAINER + "/" + BINARY;
    }

    /** The helper's copy on the host, which runs nspawn. */
    public String binaryOnHost() {
        return dir.resolve(BINARY).toString();
    }

    public String filterInContainer() {
        return IN_CONTAINER + "/" + FILTER;
    }

    /**
     * The helper binary: next to the daemon's jar (a build tree: daemon/target), else the
     * installed one; null when there is none.
     */
    public static Path findBinary() {
        try {
            Path jar = Path.of(Helper.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path beside = jar.resolveSibling(BINARY);
            if (Files.isExecutable(beside)) return beside;
        } catch (Exception e) {
            // not run from a jar file: look for the installed helper
        }
        return Files.isExecutable(INSTALLED) ? INSTALLED : null;
    }

    /**
     * Creates {@code root}/helper.PID with a copy of {@code binary} and {@code bpf} (may be null),
     * readable by the containers' unprivileged uids, and removes what dead daemons left there.
     */
    public static Helper prepare(Path root, Path binary, byte[] bpf) throws IOException {
        removeStale(root);
        Path dir = root.resolve("helper." + ProcessHandle.current().pid());
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path bin = dir.resolve(BINARY);
        Files.copy(binary, bin, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("r-xr-xr-x"));
        if (bpf != null) {
            Path f = dir.resolve(FILTER);
            Files.write(f, bpf);
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r--r--"));
        }
        return new Helper(dir, bpf != null);
    }

    /** Removes the directory (at exit). Containers that still run keep their bind mount of it. */
    public void remove() {
        deleteTree(dir);
    }

    private static void removeStale(Path root) {
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(p -> p.getFileName().toString().matches("helper\\.\\d+")).toList();
        } catch (IOException e) {
            return;
        }
        for (Path d : dirs) {
            long pid = Long.parseLong(d.getFileName().toString().substring("helper.".length()));
            if (ProcessHandle.of(pid).isEmpty()) deleteTree(d);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a leftover directory of a few hundred KB in /run
        }
    }
}
