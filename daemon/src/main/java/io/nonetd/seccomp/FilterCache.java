package io.nonetd.seccomp;

import io.nonetd.os.OsException;
import io.nonetd.os.Seccomp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The compiled filter, kept in the cache directory between daemon starts: compiling costs
 * 30–60 ms, which under socket activation the first client would wait for. The file name is a
 * hash of everything the program depends on (the rules, the actions and libseccomp's version),
 * so a changed policy or library compiles afresh. Written atomically (rename); the directory is
 * root's, like the daemon.
 */
public final class FilterCache {
    private FilterCache() {}

    /** The program for the policy, from {@code dir} when it is there, else compiled (and stored when {@code dir} is writable). */
    public static Seccomp.Program load(Path dir) throws OsException {
        Seccomp.Lib lib = Seccomp.load();
        List<Seccomp.Rule> rules = SyscallPolicy.rules();
        Path file = dir == null ? null : dir.resolve("filter-" + key(rules, Seccomp.version(lib)) + ".bpf");
        try {
            if (file != null && Files.isRegularFile(file)) return new Seccomp.Program(Files.readAllBytes(file), List.of());
        } catch (IOException e) {
            // unreadable: compile
        }
        Seccomp.Program p = Seccomp.compile(lib, SyscallPolicy.defaultAction(), Seccomp.ACT_KILL_PROCESS, rules);
        if (file != null && Files.isDirectory(dir) && Files.isWritable(dir)) store(file, p.bpf());
        return p;
    }

    static String key(List<Seccomp.Rule> rules, String libseccompVersion) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update((rules + "|" + SyscallPolicy.defaultAction() + "|" + Seccomp.ACT_KILL_PROCESS + "|" + libseccompVersion + "|"
                    + System.getProperty("os.arch")).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void store(Path file, byte[] bpf) {
        try {
            try (var old = Files.newDirectoryStream(file.getParent(), "filter-*.bpf")) {
                for (Path p : old) if (!p.equals(file)) Files.deleteIfExists(p);
            }
            Path tmp = Files.createTempFile(file.getParent(), ".filter", ".tmp");
            Files.write(tmp, bpf);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // a cache: the next start compiles again
        }
    }
}
