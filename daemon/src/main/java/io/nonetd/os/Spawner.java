package io.nonetd.os;

import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/**
 * Starts a child with glibc's posix_spawn and an exact fd table: the placements below, and
 * nothing else (addclosefrom_np closes the rest, whether the JVM set CLOEXEC on them or not).
 * The child gets an empty signal mask, default signal dispositions and its own session.
 * Thread-safe: every call builds its own attribute and file-action objects.
 */
public final class Spawner {
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08, POSIX_SPAWN_SETSID = 0x80;
    private static final int OPAQUE_BYTES = 512; // > sizeof(posix_spawnattr_t) (336) and file actions (80)
    private static final int SIGSET_BYTES = 128;

    /** Which fd of ours becomes which fd of the child; {@code source < 0} opens /dev/null instead. */
    public record Placement(int target, int source, boolean writable) {
        public static Placement of(int target, Fd source) {
            return new Placement(target, source.fd(), true);
        }

        public static Placement devNull(int target, boolean writable) {
            return new Placement(target, -1, writable);
        }
    }

    private Spawner() {}

    /**
     * Spawns {@code path} and returns its pid. Targets must be 0, 1, 2 and then consecutive
     * from 3: everything at or above the first free fd is closed in the child.
     */
    public static int spawn(String path, List<String> argv, List<String> env, List<Placement> placements) throws OsException {
        List<Placement> ordered = new ArrayList<>(placements);
        // Lower targets first: a source may sit at a higher target number that is filled later.
        ordered.sort(Comparator.comparingInt(Placement::target));
        int closeFrom = Math.max(3, ordered.isEmpty() ? 3 : ordered.get(ordered.size() - 1).target() + 1);

        LibC c = Native.C;
        Pointer actions = Native.allocate(OPAQUE_BYTES);
        Pointer attr = Native.allocate(OPAQUE_BYTES);
        Pointer empty = Native.allocate(SIGSET_BYTES);
        Pointer all = Native.allocate(SIGSET_BYTES);
        c.posix_spawn_file_actions_init(actions);
        c.posix_spawnattr_init(attr);
        try {
            for (Placement p : ordered) {
                int rc = p.source() < 0
                        ? c.posix_spawn_file_actions_addopen(actions, p.target(), "/dev/null", p.writable() ? Native.O_WRONLY : Native.O_RDONLY, 0)
                        : c.posix_spawn_file_actions_adddup2(actions, p.source(), p.target());
                if (rc != 0) throw new OsException("posix_spawn_file_actions for fd " + p.target(), rc, Native.describe(rc));
            }
            int rc = c.posix_spawn_file_actions_addclosefrom_np(actions, closeFrom);
            if (rc != 0) throw new OsException("posix_spawn_file_actions_addclosefrom_np(" + closeFrom + ")", rc, Native.describe(rc));
            c.sigemptyset(empty);
            c.sigfillset(all);
            c.posix_spawnattr_setsigmask(attr, empty);
            c.posix_spawnattr_setsigdefault(attr, all);
            c.posix_spawnattr_setflags(attr, (short) (POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSID));

            IntByReference pid = new IntByReference();
            List<Pointer> keepAlive = new ArrayList<>();
            try {
                rc = c.posix_spawn(pid, path, actions, attr, stringArray(argv, keepAlive), stringArray(env, keepAlive));
            } finally {
                // The char*[] arrays point at the strings' native memory, which the JVM frees once
                // their Pointers are unreachable; nothing after the call uses keepAlive, so without
                // this fence a GC during posix_spawn could free the argv under it (seen: EFAULT and
                // garbage arguments, about 1 in 4,000 starts under load).
                Reference.reachabilityFence(keepAlive);
            }
            if (rc != 0) throw new OsException("posix_spawn('" + path + "')", rc, Native.describe(rc));
            return pid.intValue();
        } finally {
            c.posix_spawn_file_actions_destroy(actions);
            c.posix_spawnattr_destroy(attr);
        }
    }

    /** A NULL-terminated char*[]; the strings stay reachable through {@code keepAlive}. */
    private static Pointer stringArray(List<String> strings, List<Pointer> keepAlive) {
        int ptr = Native.RUNTIME.addressSize();
        Pointer array = Native.allocate(ptr * (strings.size() + 1));
        for (int i = 0; i < strings.size(); i++) {
            byte[] b = strings.get(i).getBytes(StandardCharsets.UTF_8);
            Pointer s = Native.allocate(b.length + 1);
            s.put(0, b, 0, b.length);
            s.putByte(b.length, (byte) 0);
            keepAlive.add(s);
            array.putPointer((long) i * ptr, s);
        }
        array.putAddress((long) strings.size() * ptr, 0L);
        keepAlive.add(array);
        return array;
    }
}
