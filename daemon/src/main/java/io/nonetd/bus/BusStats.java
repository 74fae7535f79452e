package io.nonetd.bus;

import java.util.Map;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.Position;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;

/** Counters since the daemon started, {@code (tuua{st}ttt)}: see {@link Daemon1#stats}. */
public final class BusStats extends Struct {
    @Position(0) public final UInt64 served;
    @Position(1) public final UInt32 running;
    @Position(2) public final UInt32 queued;
    @Position(3) public final Map<String, UInt64> refusedByReason;
    @Position(4) public final UInt64 spawnFailures;
    @Position(5) public final UInt64 spawnP50Usec;
    @Position(6) public final UInt64 spawnP99Usec;

    public BusStats(UInt64 served, UInt32 running, UInt32 queued, Map<String, UInt64> refusedByReason, UInt64 spawnFailures,
                    UInt64 spawnP50Usec, UInt64 spawnP99Usec) {
        this.served = served;
        this.running = running;
        this.queued = queued;
        this.refusedByReason = refusedByReason;
        this.spawnFailures = spawnFailures;
        this.spawnP50Usec = spawnP50Usec;
        this.spawnP99Usec = spawnP99Usec;
    }
}
