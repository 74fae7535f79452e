package io.nonetd.bus;

import io.nonetd.daemon.Control;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;

/**
 * The exported {@code /io/nonetd/Daemon} object. Called on dbus-java's method-call threads; it
 * only uses {@link Control}, which is thread-safe. Owns nothing.
 */
final class DaemonObject implements Daemon1 {
    /** Drain waits at most this long; a larger timeout is refused rather than overflowing. */
    static final long MAX_DRAIN_USEC = Duration.ofDays(1).toNanos() / 1000;
    private final Control control;

    DaemonObject(Control control) {
        this.control = control;
    }

    @Override
    public String getObjectPath() {
        return BusName.OBJECT_PATH;
    }

    @Override
    public List<BusSession> listSessions() {
        return call(() -> control.sessions().stream().map(DaemonObject::toBus).toList());
    }

    @Override
    public BusSession getSession(String id) {
        return toBus(call(() -> control.session(id)).orElseThrow(() -> noSuchSession(id)));
    }

    @Override
    public void killSession(String id, int signal) {
        if (signal < 1 || signal > 64) throw new Error.InvalidArgs("Invalid signal " + signal + ": expected 1..64");
        if (!call(() -> control.kill(id, signal))) throw noSuchSession(id);
    }

    @Override
    public List<BusStats> stats() {
        Control.Stats s = call(control::stats);
        Map<String, UInt64> refused = new TreeMap<>();
        s.refusedByReason().forEach((reason, n) -> refused.put(reason, new UInt64(n)));
        return List.of(new BusStats(new UInt64(s.served()), new UInt32(s.running()), new UInt32(s.queued()), refused,
                new UInt64(s.spawnFailures()), new UInt64(s.spawnP50Micros()), new UInt64(s.spawnP99Micros())));
    }

    @Override
    public void reload() {
        String error = call(control::reload);
        if (error != null) throw new Error.ReloadFailed("Failed to reload the configuration: " + error);
    }

    @Override
    public void drain(UInt64 timeoutUsec) {
        long usec = timeoutUsec.longValue();
        if (usec < 0 || usec > MAX_DRAIN_USEC) {
            throw new Error.InvalidArgs("Invalid drain timeout " + timeoutUsec + " usec: expected 0.." + MAX_DRAIN_USEC);
        }
        call(() -> {
            control.drain(Duration.ofNanos(usec * 1000));
            return null;
        });
    }

    static BusSession toBus(Control.SessionInfo s) {
        return new BusSession(s.id(), s.service(), nonNull(s.remoteAddress()), nonNull(s.machine()), new UInt32(Math.max(0, s.remotePort())),
                new UInt32(Math.max(0, s.leaderPid())), nonNull(s.state()), new UInt64(usec(s.started())));
    }

    static long usec(Instant t) {
        return t == null ? 0 : t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
    }

    /** D-Bus strings cannot be null. */
    static String nonNull(String s) {
        return s == null ? "" : s;
    }

    private static Error.NoSuchSession noSuchSession(String id) {
        return new Error.NoSuchSession("No session '" + id + "'");
    }

    /** Control throws IllegalStateException when the loop does not answer; that becomes Error.Failed. */
    private static <T> T call(java.util.function.Supplier<T> c) {
        try {
            return c.get();
        } catch (IllegalStateException e) {
            throw new Error.Failed("The daemon did not carry out the call: " + e.getMessage());
        }
    }
}
