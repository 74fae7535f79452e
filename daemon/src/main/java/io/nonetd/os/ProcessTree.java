package io.nonetd.os;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A process and its descendants, from /proc. SIGKILL on nspawn alone leaves the container's
 * payload running (it sits in its own pid namespace), so a forced stop kills the whole tree.
 */
public final class ProcessTree {
    private ProcessTree() {}

    /** The descendants of {@code root}, parents before children; empty when it has none. */
    public static List<Integer> descendants(int root) {
        Map<Integer, List<Integer>> children = new HashMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : procs) {
                int ppid = parentOf(p);
                if (ppid > 0) children.computeIfAbsent(ppid, k -> new ArrayList<>()).add(Integer.parseInt(p.getFileName().toString()));
            }
        } catch (IOException e) {
            return List.of();
        }
        List<Integer> out = new ArrayList<>();
        List<Integer> frontier = new ArrayList<>(List.of(root));
        while (!frontier.isEmpty()) {
            int pid = frontier.remove(0);
            for (int c : children.getOrDefault(pid, List.of())) {
                out.add(c);
                frontier.add(c);
            }
        }
        return out;
    }

    /** The command line of every process, as argv lists; processes that vanish meanwhile are skipped. */
    public static Map<Integer, List<String>> commandLines() {
        Map<Integer, List<String>> out = new HashMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : procs) {
                try {
                    String raw = new String(Files.readAllBytes(p.resolve("cmdline")), java.nio.charset.StandardCharsets.UTF_8);
                    if (!raw.isEmpty()) out.put(Integer.parseInt(p.getFileName().toString()), List.of(raw.split("\0")));
                } catch (IOException gone) {
                    // exited while we looked
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return out;
    }

    /** SIGKILLs every descendant of {@code child}, then the child; the caller still reaps it. */
    public static void killTree(Child child) {
        for (int pid : descendants(child.pid())) Native.C.kill(pid, Signals.SIGKILL);
        child.kill(Signals.SIGKILL);
    }

    private static int parentOf(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            // "pid (comm) state ppid ...": comm may contain spaces and parentheses.
            String rest = stat.substring(stat.lastIndexOf(')') + 2);
            return Integer.parseInt(rest.split(" ", 3)[1]);
        } catch (IOException | RuntimeException e) {
            return -1; // the process went away while we looked
        }
    }
}
