package io.nonetd.it;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the host's /proc says: processes, fds, zombies, mounts, leftovers of nspawn. */
final class Host {
    private Host() {}

    record Proc(int pid, int ppid, char state, String cmdline) {}

    static List<Proc> processes() {
        List<Proc> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : ds) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ').strip();
                    out.add(new Proc(Integer.parseInt(p.getFileName().toString()), Integer.parseInt(rest[1]), rest[0].charAt(0), cmd));
                } catch (IOException | RuntimeException gone) {
                    // exited while we looked
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    static List<Proc> childrenOf(long pid) {
        return processes().stream().filter(p -> p.ppid() == pid).toList();
    }

    static List<Proc> zombiesOf(long pid) {
        return childrenOf(pid).stream().filter(p -> p.state() == 'Z').toList();
    }

    static List<Proc> matching(String cmdlinePart) {
        return processes().stream().filter(p -> p.cmdline().contains(cmdlinePart)).toList();
    }

    static List<Proc> exactly(String cmdline) {
        return processes().stream().filter(p -> p.cmdline().equals(cmdline)).toList();
    }

    static int fdCount(long pid) throws IOException {
        try (var s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return (int) s.count();
        }
    }

    static List<String> fds(long pid) throws IOException {
        List<String> out = new ArrayList<>();
        try (var s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path p : s.toList()) {
                try {
                    out.add(p.getFileName() + " -> " + Files.readSymbolicLink(p));
                } catch (IOException gone) {
                    // closed while we looked
                }
            }
        }
        return out;
    }

    static List<String> mountsContaining(String part) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().filter(l -> l.contains(part)).toList();
    }

    static boolean propagateDirExists(String machine) {
        return Files.exists(Path.of("/run/systemd/nspawn/propagate", machine));
    }

    /** Polls {@code check} until it holds or {@code millis} pass; returns whether it held. */
    static boolean eventually(long millis, java.util.function.BooleanSupplier check) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (check.getAsBoolean()) return true;
            Thread.sleep(50);
        }
        return check.getAsBoolean();
    }
}
