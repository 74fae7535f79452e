package io.nonetd.daemon;

import io.nonetd.admission.Source;
import io.nonetd.cgroup.CgroupLayout;
import io.nonetd.cgroup.SessionCgroup;
import io.nonetd.config.ServiceConfig;
import io.nonetd.container.Launcher;
import io.nonetd.container.Leftover;
import io.nonetd.container.Session;
import io.nonetd.log.Log;
import io.nonetd.net.Peer;
import io.nonetd.os.ExitStatus;
import io.nonetd.os.Fd;
import io.nonetd.os.HandoffChannel;
import io.nonetd.os.OsException;
import io.nonetd.os.Poller;
import io.nonetd.os.ProcessTree;
import io.nonetd.os.Signals;
import io.nonetd.os.Sockets;
import io.nonetd.os.TcpInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The running sessions: starts them, enforces RuntimeMaxSec and IdleTimeoutSec, stops them,
 * reaps them and logs their end. Runs on the loop thread; owns every {@link Session}.
 */
final class Sessions implements Gate.Starter {
    /** A session and what the daemon tracks about it. */
    private static final class Running {
        final Session session;
        final Gate gate;
        final String source;
        final OutputRelay relay;
        final String socketLink;
        String endReason;
        Object runtimeTimer;
        Object idleTimer;
        /** The last TCP_INFO of the connection, for the end record's byte counts. */
        TcpInfo.Snapshot lastSample;
        Object sampleTimer;

        Running(Session session, Gate gate, String source, String socketLink, OutputRelay relay) {
            this.session = session;
            this.gate = gate;
            this.source = source;
            this.relay = relay != null || session.output() == null ? relay : new OutputRelay(session.tag(), session.output());
            this.socketLink = socketLink;
        }
    }

    /**
     * How often a TCP session's byte counts are sampled while the journal is in use. The container
     * is gone by the end, so the end record reports the last sample.
     */
    static final long SAMPLE_NANOS = 1_000_000_000L;

    private final Poller poller;
    private final Launcher launcher;
    private final CgroupLayout cgroups;
    private final Map<String, Running> running = new LinkedHashMap<>();
    private final Map<Gate, WarmPool> pools = new LinkedHashMap<>();
    private final List<Control.Listener> listeners = new ArrayList<>();
    private final SpawnTimes spawnTimes = new SpawnTimes();
    private long served;
    private long failed;

    Sessions(Poller poller, Launcher launcher, CgroupLayout cgroups) {
        this.poller = poller;
        this.launcher = launcher;
        this.cgroups = cgroups;
    }

    int size() {
        return running.size();
    }

    /** Gives {@code gate}'s service a warm pool when its config asks for one ([Pool] Warm=). */
    void addPool(Gate gate) {
        if (gate.service().pool().warm() == 0) return;
        if (!launcher.canPool()) {
            Log.warning("Service '" + gate.service().name() + "' asks for Warm=" + gate.service().pool().warm()
                    + " but nonetd-helper was not found; sessions start cold");
            return;
        }
        WarmPool pool = new WarmPool(poller, launcher, gate, gate::running);
        pools.put(gate, pool);
        pool.requestFill();
    }

    /** After a reload: pools follow the new Warm= and replace containers made with the old config. */
    void reconfigured(Gate gate) {
        WarmPool pool = pools.get(gate);
        if (pool != null) pool.reconfigured();
        else addPool(gate);
    }

    /** Warm containers that still exist (waiting, or ending without a connection). */
    int warm() {
        return pools.values().stream().mapToInt(WarmPool::alive).sum();
    }

    /** Warm containers waiting for a connection. */
    int warmWaiting() {
        return pools.values().stream().mapToInt(WarmPool::size).sum();
    }

    /** Lets every warm container go (the daemon stops); they are killed if they are not gone after {@code grace}. */
    void closePools(String why, Duration grace) {
        for (WarmPool p : pools.values()) p.close(why);
        if (warm() > 0) poller.schedule(System.nanoTime() + grace.toNanos(), () -> pools.values().forEach(WarmPool::killAll));
    }

    long served() {
        return served;
    }

    long failed() {
        return failed;
    }

    @Override
    public boolean start(Gate gate, String id, Peer peer, String source, Fd conn) {
        ServiceConfig service = gate.service();
        Session s = null;
        long t0 = System.nanoTime();
        WarmPool pool = pools.get(gate);
        WarmPool.Entry warm = pool == null ? null : pool.take();
        if (warm != null) {
            try {
                s = launcher.handoff(warm.warm, peer, conn);
                Log.debug("[" + id + "] handed to warm container " + warm.warm.tag() + (warm.ready ? "" : " (still starting)"));
            } catch (OsException | RuntimeException e) {
                Log.warning(warm.warm.tag() + " Failed to hand the connection of peer " + peer + " to a warm container: " + e.getMessage()
                        + "; starting a cold one");
                pool.discard(warm);
                warm = null;
            }
        }
        if (s == null) {
            try {
                s = launcher.launch(id, service, peer, conn);
            } catch (OsException | RuntimeException e) {
                failed++;
                Log.error("[" + id + "] Failed to start session for peer " + peer + ", service '" + service.name() + "': " + e.getMessage() + "; closing the connection");
                return false;
            }
        }
        spawnTimes.add(System.nanoTime() - t0);
        served++;
        Session started = s;
        // The socket's inode finds the connection in the container later: for the journal's byte counts and IdleTimeoutSec=.
        boolean watchBytes = peer.family() != Peer.Family.UNIX && (Log.hasJournal() || service.limits().idleTimeout() != null);
        Running r = new Running(s, gate, source, watchBytes ? Sockets.inode(conn) : null, warm == null ? null : warm.relay);
        running.put(s.id(), r);
        poller.register(s.output(), Poller.POLLIN, events -> {
            if (!r.relay.pump()) poller.unregister(started.output());
        });
        poller.register(s.child().pidfd(), Poller.POLLIN, events -> ended(r));
        if (s.handoff() != null) {
            // Read the helper's "ready" byte if it is still there; at end of file the helper has the connection.
            poller.register(s.handoff(), Poller.POLLIN, events -> {
                boolean open;
                try {
                    open = HandoffChannel.readReady(started.handoff());
                } catch (OsException e) {
                    open = false;
                }
                if (!open) {
                    poller.unregister(started.handoff());
                    started.handoff().close();
                }
            });
        }
        Log.record(s.tag() + " session start: peer " + peer + ", service '" + service.name() + "', machine " + s.machine() + ", pid " + s.child().pid()
                        + (warm != null ? ", from the warm pool" : launcher.precompiled(service) ? ", fast spawn" : ""),
                SessionRecords.start(info(r)));
        if (r.socketLink != null && Log.hasJournal()) scheduleSample(r);
        ServiceConfig.Limits limits = service.limits();
        if (limits.runtimeMax() != null) {
            r.runtimeTimer = poller.schedule(System.nanoTime() + limits.runtimeMax().toNanos(),
                    () -> terminate(r, "RuntimeMaxSec=" + seconds(limits.runtimeMax()) + " reached"));
        }
        if (limits.idleTimeout() != null && r.socketLink != null) scheduleIdleCheck(r, limits.idleTimeout().toMillis());
        for (Control.Listener l : listeners) l.sessionNew(info(r));
        return true;
    }

    void addListener(Control.Listener l) {
        listeners.add(l);
    }

    List<Control.SessionInfo> infos() {
        return running.values().stream().map(Sessions::info).toList();
    }

    Control.SessionInfo info(String id) {
        Running r = running.get(id);
        return r == null ? null : info(r);
    }

    /** Sends {@code signal} to a session's nspawn; SIGTERM stops it the orderly way, with the usual grace. */
    boolean signal(String id, int signal, String why) {
        Running r = running.get(id);
        if (r == null) return false;
        if (signal == io.nonetd.os.Signals.SIGTERM) terminate(r, why);
        else r.session.child().kill(signal);
        return true;
    }

    /** p50 and p99 of the recent spawn times, in microseconds. */
    long[] spawnPercentiles() {
        return spawnTimes.percentiles();
    }

    private static Control.SessionInfo info(Running r) {
        Session s = r.session;
        String state = r.endReason != null ? "stopping" : s.output() == null ? "adopted" : "running";
        return new Control.SessionInfo(s.id(), s.config().name(), s.peer().address(), s.peer().port(), s.machine(), s.child().pid(),
                s.started(), state);
    }

    /**
     * Tracks a session an earlier daemon left running: it counts against the limits, and its end
     * is logged and cleaned up (its exit status goes to its parent, not to us).
     */
    void adopt(Leftover l, Gate gate) {
        Session s;
        try {
            s = Session.adopted(l, gate.service(), cgroups == null ? null : SessionCgroup.existing(cgroups, l.id()));
        } catch (OsException e) {
            Log.debug("[" + l.id() + "] left by an earlier nonetd, but gone already: " + e.getMessage());
            return;
        }
        ServiceConfig.Limits limits = gate.service().limits();
        String source = Source.of(l.peer(), limits.sourcePrefixIPv4(), limits.sourcePrefixIPv6());
        Running r = new Running(s, gate, source, null, null);
        running.put(l.id(), r);
        gate.adopted(source);
        launcher.claim(l.uidBase());
        poller.register(s.child().pidfd(), Poller.POLLIN, events -> ended(r));
        for (Control.Listener cl : listeners) cl.sessionNew(info(r));
        Log.info(s.tag() + " adopted session left by an earlier nonetd: peer " + l.peer() + ", service '" + gate.service().name()
                + "', machine " + l.machine() + ", pid " + l.pid());
    }

    /** SIGTERM to nspawn, which stops its container; SIGKILL to the whole tree after TimeoutStopSec=. */
    void terminate(String id, String reason) {
        Running r = running.get(id);
        if (r != null) terminate(r, reason);
    }

    void terminateAll(String reason) {
        for (Running r : new ArrayList<>(running.values())) terminate(r, reason);
    }

    /** Stops tracking every session without touching it (--leave-sessions). */
    void leaveAll() {
        for (Running r : running.values()) {
            poller.unregister(r.session.child().pidfd());
            if (r.session.output() != null) poller.unregister(r.session.output());
            cancelLimits(r);
            poller.cancel(r.sampleTimer);
            r.session.close();
        }
        running.clear();
    }

    List<String> ids() {
        return List.copyOf(running.keySet());
    }

    private void terminate(Running r, String reason) {
        if (r.endReason != null || r.session.child().isReaped()) return;
        r.endReason = reason;
        cancelLimits(r);
        Session s = r.session;
        Log.warning(s.tag() + " stopping session: " + reason);
        s.child().kill(Signals.SIGTERM);
        Duration grace = s.config().service().stopTimeout();
        poller.schedule(System.nanoTime() + grace.toNanos(), () -> {
            if (s.child().isReaped()) return;
            Log.warning(s.tag() + " still running " + grace.toMillis() + "ms after SIGTERM, sending SIGKILL to the container");
            ProcessTree.killTree(s.child());
        });
    }

    private void cancelLimits(Running r) {
        poller.cancel(r.runtimeTimer);
        poller.cancel(r.idleTimer);
    }

    private void scheduleIdleCheck(Running r, long afterMillis) {
        r.idleTimer = poller.schedule(System.nanoTime() + afterMillis * 1_000_000, () -> {
            long timeout = r.session.config().limits().idleTimeout().toMillis();
            TcpInfo.Snapshot info = TcpInfo.of(r.session.child().pid(), r.socketLink, r.lastSample);
            if (info == null) return; // the service closed the connection: nothing left to time out
            r.lastSample = info;
            if (info.idleMillis() >= timeout) {
                terminate(r, "IdleTimeoutSec=" + timeout / 1000.0 + "s reached, no bytes for " + info.idleMillis() + "ms");
            } else {
                scheduleIdleCheck(r, timeout - info.idleMillis());
            }
        });
    }

    /**
     * Samples the connection's byte counts until no process of the session holds it any more.
     * Before the first sample nspawn may not have forked the container yet: keep trying.
     */
    private void scheduleSample(Running r) {
        r.sampleTimer = poller.schedule(System.nanoTime() + SAMPLE_NANOS, () -> {
            TcpInfo.Snapshot info = TcpInfo.of(r.session.child().pid(), r.socketLink, r.lastSample);
            if (info == null && r.lastSample != null) return; // closed: the last sample stands
            if (info != null) r.lastSample = info;
            scheduleSample(r);
        });
    }

    private void ended(Running r) {
        Session s = r.session;
        ExitStatus status;
        try {
            status = s.child().reap();
        } catch (OsException e) {
            Log.warning(s.tag() + " Failed to reap pid " + s.child().pid() + ": " + e.getMessage() + ", ignoring");
            return;
        }
        if (status == null) return; // spurious wakeup: still running
        poller.unregister(s.child().pidfd());
        if (s.handoff() != null) poller.unregister(s.handoff());
        cancelLimits(r);
        poller.cancel(r.sampleTimer);
        if (r.relay != null) {
            poller.unregister(s.output());
            r.relay.pump();
        }
        s.close();
        running.remove(s.id());
        launcher.cleanUp(s.tag(), s.machine(), s.cgroup(), s.uidBase());
        String reason = r.endReason == null ? "exited" : r.endReason;
        Log.record(String.format("%s session end: peer %s, service '%s', after %.3fs, %s%s", s.tag(), s.peer(),
                s.config().name(), s.elapsedNanos() / 1e9, status, r.endReason == null ? "" : ", " + r.endReason),
                SessionRecords.end(info(r), s.elapsedNanos() / 1000, status, reason, r.lastSample));
        for (Control.Listener l : listeners) l.sessionRemoved(info(r), status.toString(), reason);
        r.gate.ended(r.source);
        WarmPool pool = pools.get(r.gate);
        if (pool != null) pool.requestFill();
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() / 1000.0 + "s";
    }
}
