package io.nonetd.daemon;

import io.nonetd.container.Host;
import io.nonetd.container.Launcher;
import io.nonetd.container.SessionId;
import io.nonetd.log.Log;
import io.nonetd.os.OsException;
import io.nonetd.os.Poller;
import io.nonetd.os.Sockets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The accept loop and the daemon's lifecycle. Everything runs on the thread that calls
 * {@link #serve}; other threads (signal handlers) only post work through {@link #requestStop}.
 * Owns the listeners, one {@link Gate} per service, and the {@link Sessions}.
 */
public final class Daemon {
    /** Accepts per readiness event, so that one busy listener cannot starve the others. */
    private static final int ACCEPT_BATCH = 32;

    private final Poller poller;
    private final List<Listener> listeners;
    private final boolean leaveSessions;
    private final Sessions sessions;
    private final Map<String, Gate> gates = new LinkedHashMap<>();
    private boolean stopping;

    public Daemon(Poller poller, Host host, List<Listener> listeners, boolean leaveSessions) {
        this.poller = poller;
        this.listeners = List.copyOf(listeners);
        this.leaveSessions = leaveSessions;
        this.sessions = new Sessions(poller, new Launcher(host));
        for (Listener l : listeners) gates.computeIfAbsent(l.service().name(), n -> new Gate(l.service(), poller, sessions));
    }

    /** Accepts and serves until a stop was requested and every session has ended. */
    public void serve() throws OsException {
        for (Listener l : listeners) {
            Gate gate = gates.get(l.service().name());
            poller.register(l.fd(), Poller.POLLIN, events -> acceptFrom(l, gate));
            Log.info("Listening on " + l.address() + " for service '" + l.service().name() + "' (" + l.service().source() + ")");
        }
        while (!stopping || sessions.size() > 0) {
            poller.runOnce(1000);
        }
        Log.info("Stopped: served " + sessions.served() + " sessions, " + sessions.failed() + " failed to start, " + refused() + " refused");
    }

    /** Thread-safe: begins the stop on the loop thread. */
    public void requestStop(String why) {
        poller.execute(() -> stop(why));
    }

    private long refused() {
        return gates.values().stream().mapToLong(Gate::refused).sum();
    }

    private void acceptFrom(Listener l, Gate gate) {
        for (int i = 0; i < ACCEPT_BATCH && !stopping; i++) {
            Sockets.Accepted accepted;
            try {
                accepted = Sockets.accept(l.fd());
            } catch (OsException e) {
                Log.warning("Failed to accept on " + l.address() + ": " + e.getMessage() + ", ignoring");
                return;
            }
            if (accepted == null) return;
            gate.offer(SessionId.next(), accepted.peer(), accepted.conn());
        }
    }

    private void stop(String why) {
        if (stopping) return;
        stopping = true;
        for (Listener l : listeners) {
            poller.unregister(l.fd());
            l.fd().close(); // plain close: systemd keeps its copy, and the backlog waits for the next daemon
        }
        for (Gate g : gates.values()) g.close("the daemon is stopping");
        if (leaveSessions) {
            Log.info("Stopping (" + why + "): leaving " + sessions.size() + " sessions running");
            sessions.leaveAll();
            return;
        }
        Log.info("Stopping (" + why + "): sending SIGTERM to " + sessions.size() + " sessions");
        sessions.terminateAll("the daemon is stopping");
    }
}
