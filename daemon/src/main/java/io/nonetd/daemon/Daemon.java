package io.nonetd.daemon;

import io.nonetd.container.Host;
import io.nonetd.container.Launcher;
import io.nonetd.container.Session;
import io.nonetd.container.SessionId;
import io.nonetd.log.Log;
import io.nonetd.os.ExitStatus;
import io.nonetd.os.Fd;
import io.nonetd.os.OsException;
import io.nonetd.os.Poller;
import io.nonetd.os.ProcessTree;
import io.nonetd.os.Signals;
import io.nonetd.os.Sockets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The accept-launch-reap loop. Everything runs on the thread that calls {@link #serve}; other
 * threads (signal handlers) only post work through {@link #requestStop}. Owns the listeners
 * and every running {@link Session}.
 */
public final class Daemon {
    /** Accepts per readiness event, so that one busy listener cannot starve the others. */
    private static final int ACCEPT_BATCH = 32;

    private final Poller poller;
    private final Launcher launcher;
    private final List<Listener> listeners;
    private final boolean leaveSessions;
    private final Map<String, Session> sessions = new LinkedHashMap<>();
    private boolean stopping;
    private long served;
    private long failed;

    public Daemon(Poller poller, Host host, List<Listener> listeners, boolean leaveSessions) {
        this.poller = poller;
        this.launcher = new Launcher(host);
        this.listeners = List.copyOf(listeners);
        this.leaveSessions = leaveSessions;
    }

    /** Accepts and serves until a stop was requested and every session has ended. */
    public void serve() throws OsException {
        for (Listener l : listeners) {
            poller.register(l.fd(), Poller.POLLIN, events -> acceptFrom(l));
            Log.info("Listening on " + l.address() + " for service '" + l.service().name() + "' (" + l.service().source() + ")");
        }
        while (!stopping || !sessions.isEmpty()) {
            poller.runOnce(1000);
        }
        Log.info("Stopped: served " + served + " sessions, " + failed + " failed to start");
    }

    /** Thread-safe: begins the stop on the loop thread. */
    public void requestStop(String why) {
        poller.execute(() -> stop(why));
    }

    public int running() {
        return sessions.size();
    }

    private void acceptFrom(Listener l) {
        for (int i = 0; i < ACCEPT_BATCH && !stopping; i++) {
            Sockets.Accepted accepted;
            try {
                accepted = Sockets.accept(l.fd());
            } catch (OsException e) {
                Log.warning("Failed to accept on " + l.address() + ": " + e.getMessage() + ", ignoring");
                return;
            }
            if (accepted == null) return;
            try (Fd conn = accepted.conn()) {
                start(l, accepted, conn);
            }
        }
    }

    private void start(Listener l, Sockets.Accepted accepted, Fd conn) {
        String id = SessionId.next();
        Session s;
        try {
            s = launcher.launch(id, l.service(), accepted.peer(), conn);
        } catch (OsException | RuntimeException e) {
            failed++;
            Log.error("[" + id + "] Failed to start session for peer " + accepted.peer() + ", service '" + l.service().name()
                    + "': " + e.getMessage() + "; closing the connection");
            return;
        }
        sessions.put(id, s);
        served++;
        OutputRelay relay = new OutputRelay(s);
        poller.register(s.output(), Poller.POLLIN, events -> {
            if (!relay.pump()) poller.unregister(s.output());
        });
        poller.register(s.child().pidfd(), Poller.POLLIN, events -> ended(s, relay));
        Log.info(s.tag() + " session start: peer " + s.peer() + ", service '" + s.config().name() + "', machine "
                + s.machine() + ", pid " + s.child().pid());
    }

    private void ended(Session s, OutputRelay relay) {
        ExitStatus status;
        try {
            status = s.child().reap();
        } catch (OsException e) {
            Log.warning(s.tag() + " Failed to reap pid " + s.child().pid() + ": " + e.getMessage() + ", ignoring");
            return;
        }
        if (status == null) return; // spurious wakeup: still running
        poller.unregister(s.child().pidfd());
        poller.unregister(s.output());
        relay.pump();
        s.close();
        sessions.remove(s.id());
        removeLeftovers(s);
        Log.info(String.format("%s session end: peer %s, service '%s', after %.3fs, %s", s.tag(), s.peer(),
                s.config().name(), s.elapsedNanos() / 1e9, status));
    }

    /** A killed nspawn leaves its propagation directory behind; an orderly exit removes it. */
    private static void removeLeftovers(Session s) {
        Path dir = Host.propagateDir(s.machine());
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            Log.warning(s.tag() + " Failed to remove '" + dir + "': " + e.getMessage() + ", ignoring");
        }
    }

    private void stop(String why) {
        if (stopping) return;
        stopping = true;
        for (Listener l : listeners) {
            poller.unregister(l.fd());
            l.fd().close(); // plain close: systemd keeps its copy, and the backlog waits for the next daemon
        }
        if (leaveSessions) {
            Log.info("Stopping (" + why + "): leaving " + sessions.size() + " sessions running");
            for (Session s : new ArrayList<>(sessions.values())) {
                poller.unregister(s.child().pidfd());
                poller.unregister(s.output());
                s.close();
            }
            sessions.clear();
            return;
        }
        Log.info("Stopping (" + why + "): sending SIGTERM to " + sessions.size() + " sessions");
        for (Session s : sessions.values()) {
            s.child().kill(Signals.SIGTERM); // nspawn stops its container and exits
            poller.schedule(System.nanoTime() + s.config().service().stopTimeout().toNanos(), () -> forceStop(s));
        }
    }

    private void forceStop(Session s) {
        if (s.child().isReaped()) return;
        Log.warning(s.tag() + " still running " + s.config().service().stopTimeout().toMillis() + "ms after SIGTERM, sending SIGKILL to the container");
        ProcessTree.killTree(s.child());
    }
}
