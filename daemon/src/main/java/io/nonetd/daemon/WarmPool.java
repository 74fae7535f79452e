package io.nonetd.daemon;

import io.nonetd.config.ServiceConfig;
import io.nonetd.container.Launcher;
import io.nonetd.container.SessionId;
import io.nonetd.container.Warm;
import io.nonetd.log.Log;
import io.nonetd.os.ExitStatus;
import io.nonetd.os.HandoffChannel;
import io.nonetd.os.OsException;
import io.nonetd.os.Poller;
import io.nonetd.os.ProcessTree;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.IntSupplier;

/**
 * The warm pool of one service ([Pool] Warm=N): containers started ahead of their connection.
 * Each takes exactly one connection, then it is a session like any other and the pool starts a
 * replacement in the background. The pool never holds more than Warm= containers, nor more than
 * MaxSessions= minus the running sessions. A container that dies while it waits is replaced after
 * a pause that doubles with each failure in a row (0.5 s up to 30 s), so a broken image cannot
 * make the daemon spin. Runs on the loop thread.
 *
 * <p>Lifecycle of one warm container:
 * <ol>
 *   <li>{@link #fill}: started by {@link Launcher#prepare}; its output is relayed, its exit watched;</li>
 *   <li>ready: the helper's one byte arrived on the handoff socket;</li>
 *   <li>{@link #take}: leaves the pool, and the caller hands it a connection;</li>
 *   <li>or it ends in the pool: {@link #drain} closes its socket (the helper exits 0), or it died.</li>
 * </ol>
 */
final class WarmPool {
    static final long FIRST_RETRY_NANOS = 500_000_000L, MAX_RETRY_NANOS = 30_000_000_000L;
    /**
     * A replacement starts this long after a container was taken: nspawn's start takes a core
     * for ~20 ms, and right away it would compete with the session that was just handed over.
     */
    static final long REFILL_DELAY_NANOS = 25_000_000L;

    /** A waiting container and what the pool tracks about it. */
    static final class Entry {
        final Warm warm;
        final OutputRelay relay;
        boolean ready;

        Entry(Warm warm) {
            this.warm = warm;
            this.relay = new OutputRelay(warm.tag(), warm.output());
        }
    }

    private final Poller poller;
    private final Launcher launcher;
    private final Gate gate;
    private final IntSupplier running;
    private final Deque<Entry> waiting = new ArrayDeque<>();
    /** Containers that left the pool without a connection and are not reaped yet. */
    private final java.util.List<Entry> leaving = new java.util.ArrayList<>();
    private int failuresInRow;
    private long notBefore;
    private boolean fillPosted;
    private boolean closed;

    /** {@code running}: the service's running sessions, which count against MaxSessions= together with the pool. */
    WarmPool(Poller poller, Launcher launcher, Gate gate, IntSupplier running) {
        this.poller = poller;
        this.launcher = launcher;
        this.gate = gate;
        this.running = running;
    }

    int size() {
        return waiting.size();
    }

    /** Containers of this pool that still exist: waiting, or ending without a connection. */
    int alive() {
        return waiting.size() + leaving.size();
    }

    /** The pool's target size now. */
    int target() {
        ServiceConfig s = gate.service();
        if (closed) return 0;
        return Math.max(0, Math.min(s.pool().warm(), s.limits().maxSessions() - running.getAsInt()));
    }

    /** Starts replacements soon, on the loop thread, after the current event (and its bookkeeping). */
    void requestFill() {
        if (fillPosted || closed) return;
        fillPosted = true;
        poller.execute(() -> {
            fillPosted = false;
            fill();
        });
    }

    /**
     * A waiting container for a new session, ready ones first, or null when the pool is empty.
     * The caller owns it: its output pipe and exit are no longer watched by the pool.
     */
    Entry take() {
        Entry pick = waiting.stream().filter(e -> e.ready).findFirst().orElse(waiting.peekFirst());
        if (pick == null) return null;
        waiting.remove(pick);
        poller.unregister(pick.warm.channel());
        poller.unregister(pick.warm.output());
        poller.unregister(pick.warm.child().pidfd());
        poller.schedule(System.nanoTime() + REFILL_DELAY_NANOS, this::requestFill);
        return pick;
    }

    /** New config (reload): the waiting containers were made with the old one, replace them all. */
    void reconfigured() {
        drain("the configuration was reloaded");
        requestFill();
    }

    /** Empties the pool for good (the daemon stops). */
    void close(String why) {
        closed = true;
        drain(why);
    }

    /** Lets every waiting container go: closing its socket makes the helper exit 0. */
    void drain(String why) {
        if (!waiting.isEmpty()) Log.info("Warm pool of '" + gate.service().name() + "': letting " + waiting.size() + " waiting containers go: " + why);
        for (Entry e : waiting) {
            poller.unregister(e.warm.channel());
            e.warm.channel().close();
            leaving.add(e);
        }
        waiting.clear();
    }

    private void fill() {
        long now = System.nanoTime();
        if (now < notBefore) {
            poller.schedule(notBefore, this::requestFill);
            return;
        }
        while (waiting.size() < target()) {
            String id = SessionId.next();
            Warm w;
            try {
                w = launcher.prepare(id, gate.service());
            } catch (OsException | RuntimeException e) {
                Log.error("[" + id + "] Failed to start a warm container for service '" + gate.service().name() + "': " + e.getMessage());
                failed();
                return;
            }
            Entry e = new Entry(w);
            waiting.addLast(e);
            poller.register(w.output(), Poller.POLLIN, ev -> {
                if (!e.relay.pump()) poller.unregister(w.output());
            });
            poller.register(w.channel(), Poller.POLLIN, ev -> readyOrGone(e));
            poller.register(w.child().pidfd(), Poller.POLLIN, ev -> exited(e));
            Log.debug(w.tag() + " warm container started for service '" + gate.service().name() + "', machine " + w.machine()
                    + ", pid " + w.child().pid() + " (" + waiting.size() + "/" + target() + " in the pool)");
        }
    }

    private void readyOrGone(Entry e) {
        boolean up;
        try {
            up = HandoffChannel.readReady(e.warm.channel());
        } catch (OsException ex) {
            up = false;
        }
        if (up) {
            if (!e.ready) Log.debug(e.warm.tag() + " warm container ready");
            e.ready = true;
            failuresInRow = 0;
        } else {
            poller.unregister(e.warm.channel()); // end of file: the container is going; its exit is handled below
        }
    }

    /** A warm container ended while the pool owned it: reap it and clean up after it. */
    private void exited(Entry e) {
        Warm w = e.warm;
        ExitStatus status;
        try {
            status = w.child().reap();
        } catch (OsException ex) {
            Log.warning(w.tag() + " Failed to reap warm container pid " + w.child().pid() + ": " + ex.getMessage() + ", ignoring");
            return;
        }
        if (status == null) return;
        poller.unregister(w.child().pidfd());
        poller.unregister(w.output());
        e.relay.pump();
        if (waiting.remove(e)) {
            poller.unregister(w.channel());
            w.channel().close();
            Log.warning(w.tag() + " warm container of service '" + gate.service().name() + "' ended before it got a connection: " + status);
            failed();
        } else {
            leaving.remove(e);
        }
        release(w);
    }

    /** Everything a warm container held, once its processes are gone. */
    private void release(Warm w) {
        w.child().close();
        w.output().close();
        w.channel().close();
        launcher.cleanUp(w.tag(), w.machine(), w.cgroup(), w.uidBase());
    }

    /** Kills every container of the pool (the daemon's stop timed out). */
    void killAll() {
        for (Entry e : waiting) ProcessTree.killTree(e.warm.child());
        for (Entry e : leaving) ProcessTree.killTree(e.warm.child());
    }

    /** A taken container that could not get its connection: kill it; it is reaped and cleaned up here. */
    void discard(Entry e) {
        e.warm.channel().close();
        leaving.add(e);
        poller.register(e.warm.child().pidfd(), Poller.POLLIN, ev -> exited(e));
        ProcessTree.killTree(e.warm.child());
    }

    private void failed() {
        failuresInRow++;
        long delay = Math.min(MAX_RETRY_NANOS, FIRST_RETRY_NANOS << Math.min(16, failuresInRow - 1));
        notBefore = System.nanoTime() + delay;
        Log.warning("Warm pool of '" + gate.service().name() + "': " + failuresInRow + " failure(s) in a row, next start in "
                + delay / 1_000_000 + "ms");
        requestFill();
    }
}
