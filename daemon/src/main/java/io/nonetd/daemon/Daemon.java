package io.nonetd.daemon;

import io.nonetd.activation.Notifier;
import io.nonetd.config.ConfigException;
import io.nonetd.config.ServiceConfig;
import io.nonetd.config.ServiceConfigParser;
import io.nonetd.container.Host;
import io.nonetd.container.Launcher;
import io.nonetd.container.SessionId;
import io.nonetd.log.Log;
import io.nonetd.os.OsException;
import io.nonetd.container.Leftover;
import io.nonetd.os.Poller;
import io.nonetd.os.ProcessTree;
import io.nonetd.os.Sockets;
import java.nio.file.Path;
import java.time.Duration;
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
    private final Notifier notifier;
    private boolean stopping;
    private String lastStatus = "";

    public Daemon(Poller poller, Host host, Launcher launcher, List<Listener> listeners, boolean leaveSessions, Notifier notifier) {
        this.poller = poller;
        this.notifier = notifier;
        this.listeners = List.copyOf(listeners);
        this.leaveSessions = leaveSessions;
        this.sessions = new Sessions(poller, launcher, host.cgroups());
        for (Listener l : listeners) gates.computeIfAbsent(l.service().name(), n -> new Gate(l.service(), poller, sessions));
    }

    /**
     * The daemon's life: listen, tell systemd READY=1, serve until a stop was requested and
     * every session has ended, tell systemd STOPPING=1 on the way.
     */
    public void serve() throws OsException {
        for (Listener l : listeners) {
            Gate gate = gates.get(l.service().name());
            poller.register(l.fd(), Poller.POLLIN, events -> acceptFrom(l, gate));
            Log.info("Listening on " + l.address() + " for service '" + l.service().name() + "' (" + l.service().source() + ")");
        }
        adoptLeftovers();
        for (Gate g : gates.values()) sessions.addPool(g);
        notifier.ready(status());
        if (notifier.watchdogPeriod() != null) watchdog(notifier.watchdogPeriod());
        updateStatus();
        while (!stopping || sessions.size() > 0 || sessions.warm() > 0) {
            poller.runOnce(1000);
        }
        Log.info("Stopped: " + status());
    }

    /**
     * Finds the sessions an earlier daemon of these services left running (a restart with
     * --leave-sessions, or a crash), and removes the machine directories of those that ended
     * while no daemon watched them.
     */
    private void adoptLeftovers() {
        java.util.Set<String> alive = new java.util.HashSet<>();
        ProcessTree.commandLines().forEach((pid, argv) -> {
            Leftover l = Leftover.parse(pid, argv);
            if (l == null || ownedByAnotherDaemon(pid)) return;
            alive.add(l.machine());
            for (Gate g : gates.values()) {
                if (l.belongsTo(g.service().name())) sessions.adopt(l, g);
            }
        });
        java.io.File[] dirs = Host.PROPAGATE_ROOT.toFile().listFiles((d, n) -> n.startsWith(SessionId.MACHINE_PREFIX));
        for (java.io.File dir : dirs == null ? new java.io.File[0] : dirs) {
            if (!alive.contains(dir.getName()) && isOurs(dir.getName()) && dir.delete()) {
                Log.info("Removed '" + dir + "', left by a session that ended while no nonetd watched it");
            }
        }
    }

    /**
     * Whether a live nonetd is the parent of {@code pid}: its session (or warm container), not a
     * leftover, even when that daemon serves a service of the same name.
     */
    private static boolean ownedByAnotherDaemon(int pid) {
        return ProcessHandle.of(pid).flatMap(ProcessHandle::parent)
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .flatMap(p -> p.info().commandLine())
                .filter(cmd -> cmd.contains("nonetd"))
                .isPresent();
    }

    private boolean isOurs(String machine) {
        String id = machine.substring(Math.max(0, machine.length() - 8));
        return gates.keySet().stream().anyMatch(name -> machine.equals(SessionId.machineName(name, id)));
    }

    /** Thread-safe: begins the stop on the loop thread. */
    public void requestStop(String why) {
        poller.execute(() -> stop(why));
    }

    /** Thread-safe: reloads every service's config file; a bad file keeps the old config. */
    public void requestReload() {
        poller.execute(this::reload);
    }

    /** Thread-safe operator access (D-Bus, nonetctl); calls are carried out on the loop thread. */
    public Control control() {
        return new LoopControl(poller, this, sessions, gates.values());
    }

    String status() {
        int running = sessions.size();
        int queued = gates.values().stream().mapToInt(Gate::queued).sum();
        int warm = sessions.warmWaiting();
        return "running " + running + ", queued " + queued + (warm > 0 ? ", warm " + warm : "") + ", served " + sessions.served()
                + ", refused " + refused() + ", failed " + sessions.failed();
    }

    /** WATCHDOG=1 from the loop thread itself, so a stuck loop gets the daemon restarted. */
    private void watchdog(Duration period) {
        notifier.watchdog();
        poller.schedule(System.nanoTime() + period.toNanos(), () -> watchdog(period));
    }

    private void updateStatus() {
        String now = status();
        if (!now.equals(lastStatus)) {
            notifier.status(now);
            lastStatus = now;
        }
        poller.schedule(System.nanoTime() + 1_000_000_000L, this::updateStatus);
    }

    /** Returns null when every config was reloaded, else the error; the old configs then stay. */
    String reload() {
        if (stopping) return "the daemon is stopping";
        notifier.reloading();
        Log.info("Reloading configuration (SIGHUP)");
        Map<Gate, ServiceConfig> fresh = new LinkedHashMap<>();
        for (Gate g : gates.values()) {
            ServiceConfig old = g.service();
            if (old.source().equals(ServiceConfigParser.COMMAND_LINE)) continue;
            try {
                fresh.put(g, ServiceConfigParser.load(Path.of(old.source())));
            } catch (ConfigException e) {
                Log.error("Failed to reload: " + e.getMessage() + "; keeping the old configuration of every service");
                notifier.ready(status());
                return e.getMessage();
            }
        }
        fresh.forEach(Gate::reconfigure);
        fresh.keySet().forEach(sessions::reconfigured);
        Log.info("Reloaded " + fresh.size() + " service(s); running sessions keep the configuration they started with");
        notifier.ready(status());
        return null;
    }

    /** Stops accepting; running sessions may finish within {@code timeout}, then they are stopped. */
    void drain(Duration timeout) {
        if (stopping) return;
        closeListeners();
        notifier.stopping(status());
        Log.info("Draining: accepting no more; " + sessions.size() + " sessions may finish within " + timeout.toMillis() + "ms");
        poller.schedule(System.nanoTime() + timeout.toNanos(), () -> sessions.terminateAll("drain timeout reached"));
    }

    private void closeListeners() {
        stopping = true;
        for (Listener l : listeners) {
            poller.unregister(l.fd());
            l.fd().close(); // plain close: systemd keeps its copy, and the backlog waits for the next daemon
        }
        for (Gate g : gates.values()) g.close("the daemon is stopping");
        Duration grace = gates.values().stream().map(g -> g.service().service().stopTimeout()).max(Duration::compareTo).orElse(Duration.ofSeconds(5));
        sessions.closePools("the daemon is stopping", grace);
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
        closeListeners();
        if (leaveSessions) {
            notifier.stopping(status());
            Log.info("Stopping (" + why + "): leaving " + sessions.size() + " sessions running");
            sessions.leaveAll();
            return;
        }
        notifier.stopping(status());
        Log.info("Stopping (" + why + "): sending SIGTERM to " + sessions.size() + " sessions");
        sessions.terminateAll("the daemon is stopping");
    }
}
