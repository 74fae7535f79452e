package io.nonetd.ctl;

import io.nonetd.bus.BusName;
import io.nonetd.bus.BusSession;
import io.nonetd.bus.Daemon1;
import io.nonetd.os.ProcessTree;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.types.UInt64;

/**
 * nonetctl, installed as /usr/bin/nonetctl: the operator's view of the running daemons through
 * their D-Bus API ({@link Daemon1}). Finds the daemons by their names on the system bus
 * (io.nonetd.Daemon.*). Like Main, the only class here that exits. Single-threaded.
 */
public final class Nonetctl {
    static final int OK = 0, FAILURE = 1, USAGE = 2, NOT_FOUND = 3, DENIED = 4;
    static final String NO_DAEMON = "no nonetd daemon is running (no " + BusName.PREFIX + ".* name on the system bus)";

    /** Ends a command with an exit status and a message for stderr. */
    static final class Failure extends RuntimeException {
        final int status;

        Failure(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final DBusConnection bus;
    private final PrintStream out;

    private Nonetctl(DBusConnection bus, PrintStream out) {
        this.bus = bus;
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        CtlArgs args;
        try {
            args = CtlArgs.parse(argv);
        } catch (IllegalArgumentException e) {
            err.print("nonetctl: " + e.getMessage() + "\n\n" + CtlArgs.USAGE);
            return USAGE;
        }
        if (args.help()) {
            out.print(CtlArgs.USAGE);
            return OK;
        }
        DBusConnection bus;
        try {
            // dbus-java retries a failed connect every 500 ms for this long (default 10 s).
            bus = DBusConnectionBuilder.forSystemBus().withShared(false).transportConfig().withTimeout(1000).back().build();
        } catch (DBusException | RuntimeException e) {
            err.println("nonetctl: no nonetd daemon is running (cannot connect to the system bus: " + e.getMessage() + ")");
            return NOT_FOUND;
        }
        try {
            new Nonetctl(bus, out).dispatch(args);
            return OK;
        } catch (Failure f) {
            err.println("nonetctl: " + f.getMessage());
            return f.status;
        } finally {
            bus.disconnect();
        }
    }

    private void dispatch(CtlArgs a) {
        switch (a.command()) {
            case "list" -> list(a.json());
            case "status" -> status(a.name(), a.json());
            case "kill" -> kill(a.session(), a.signal(), a.json());
            case "shell" -> shell(a.session());
            case "stats" -> stats(a.name(), a.json());
            case "reload" -> {
                for (String d : daemons(a.name())) {
                    call(d, "Reload", () -> {
                        proxy(d).reload();
                        return null;
                    });
                    if (!a.json()) out.println("Reloaded " + d);
                }
                if (a.json()) out.println(Json.write(Json.obj("reloaded", daemons(a.name()))));
            }
            case "drain" -> {
                List<String> targets = daemons(a.name());
                for (String d : targets) {
                    call(d, "Drain", () -> {
                        proxy(d).drain(new UInt64(a.timeoutSeconds() * 1_000_000));
                        return null;
                    });
                    if (!a.json()) out.println("Draining " + d + ": sessions get " + a.timeoutSeconds() + "s, then the daemon exits");
                }
                if (a.json()) out.println(Json.write(Json.obj("draining", targets, "timeout_sec", a.timeoutSeconds())));
            }
            default -> throw new IllegalStateException("unknown command " + a.command());
        }
    }

    private void list(boolean json) {
        List<Output.SessionRow> rows = new ArrayList<>();
        for (String d : daemons(null)) {
            for (BusSession s : call(d, "ListSessions", () -> proxy(d).listSessions())) rows.add(new Output.SessionRow(d, s));
        }
        out.print(json ? Output.sessionsJson(rows) : Output.sessionsTable(rows));
    }

    private void status(String name, boolean json) {
        List<Output.DaemonView> views = new ArrayList<>();
        for (String d : daemons(name)) {
            long pid = call(d, "GetConnectionUnixProcessID", () -> dbus().GetConnectionUnixProcessID(d).longValue());
            views.add(new Output.DaemonView(d, pid, call(d, "Stats", () -> proxy(d).stats().get(0)),
                    call(d, "ListSessions", () -> proxy(d).listSessions())));
        }
        out.print(json ? Output.statusJson(views) : Output.statusText(views));
    }

    private void stats(String name, boolean json) {
        List<Output.DaemonView> views = new ArrayList<>();
        for (String d : daemons(name)) views.add(new Output.DaemonView(d, 0, call(d, "Stats", () -> proxy(d).stats().get(0)), List.of()));
        out.print(json ? Output.statsJson(views) : Output.statsTable(views));
    }

    /** Finds the daemon that runs the session, then signals it. */
    private void kill(String id, int signal, boolean json) {
        Found f = find(id);
        call(f.daemon, "KillSession", () -> {
            proxy(f.daemon).killSession(id, signal);
            return null;
        });
        if (json) out.println(Json.write(Json.obj("session", id, "daemon", f.daemon, "service", f.session.service, "signal", signal)));
        else out.println("Sent signal " + signal + " to session " + id + " (service '" + f.session.service + "', " + f.daemon + ")");
    }

    /**
     * A shell inside a running session's container, for debugging: nsenter(1) into the namespaces
     * of the container's first process (the child of its nspawn). machinectl shell cannot do this:
     * it needs a systemd and a bus inside the container, and a service container has neither.
     */
    private void shell(String id) {
        Found f = find(id);
        int leader = f.session.leaderPid.intValue();
        List<Integer> inside = ProcessTree.descendants(leader);
        if (inside.isEmpty()) throw new Failure(NOT_FOUND, "session '" + id + "' has no process inside its container (pid " + leader + ")");
        int status;
        try {
            status = new ProcessBuilder("nsenter", "-t", Integer.toString(inside.get(0)), "-a", "/bin/sh").inheritIO().start().waitFor();
        } catch (java.io.IOException e) {
            throw new Failure(FAILURE, "Failed to run nsenter: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(FAILURE, "interrupted");
        }
        if (status != 0) throw new Failure(FAILURE, "the shell in session '" + id + "' exited with status " + status);
    }

    private record Found(String daemon, BusSession session) {}

    /** The daemon that runs session {@code id}; NOT_FOUND when none does. */
    private Found find(String id) {
        List<String> all = daemons(null);
        for (String d : all) {
            try {
                return new Found(d, call(d, "GetSession", () -> proxy(d).getSession(id)));
            } catch (Failure f) {
                if (f.status != NOT_FOUND) throw f;
            }
        }
        throw new Failure(NOT_FOUND, "no such session '" + id + "' (asked " + all.size() + " daemon(s))");
    }

    /** The daemons' bus names, sorted; only NAME's when given. Fails with NOT_FOUND when there is none. */
    private List<String> daemons(String name) {
        String[] names = call("org.freedesktop.DBus", "ListNames", () -> dbus().ListNames());
        List<String> found = Arrays.stream(names).filter(BusName::isDaemon).sorted().toList();
        if (found.isEmpty()) throw new Failure(NOT_FOUND, NO_DAEMON);
        if (name == null) return found;
        String wanted = BusName.isDaemon(name) ? name : BusName.forService(name);
        if (!found.contains(wanted)) throw new Failure(NOT_FOUND, "no nonetd daemon '" + name + "' is running (no " + wanted + " on the system bus)");
        return List.of(wanted);
    }

    private Daemon1 proxy(String name) {
        try {
            return bus.getRemoteObject(name, BusName.OBJECT_PATH, Daemon1.class);
        } catch (DBusException e) {
            throw new Failure(FAILURE, "Failed to reach " + name + ": " + e.getMessage());
        }
    }

    private DBus dbus() {
        try {
            return bus.getRemoteObject("org.freedesktop.DBus", "/org/freedesktop/DBus", DBus.class);
        } catch (DBusException e) {
            throw new Failure(FAILURE, "Failed to reach the bus itself: " + e.getMessage());
        }
    }

    /** Runs one D-Bus call and turns its error into a Failure with the exit status scripts rely on. */
    static <T> T call(String target, String method, Supplier<T> c) {
        try {
            return c.get();
        } catch (DBusExecutionException e) {
            throw failure(target, method, errorName(e), e.getMessage());
        }
    }

    static Failure failure(String target, String method, String error, String message) {
        if (error.endsWith(".AccessDenied")) return new Failure(DENIED, "access denied: " + method + " needs root");
        if (error.endsWith(".NoSuchSession")) return new Failure(NOT_FOUND, "no such session: " + message);
        if (error.endsWith(".ServiceUnknown") || error.endsWith(".NameHasNoOwner")) {
            return new Failure(NOT_FOUND, "no nonetd daemon '" + target + "' is running any more");
        }
        return new Failure(FAILURE, "Failed to call " + method + " on " + target + ": " + message + " (" + error + ")");
    }

    /** The D-Bus error name: dbus-java keeps it as the type, or maps it to an exception class named like it. */
    static String errorName(DBusExecutionException e) {
        String name = e.getType() != null && !e.getType().isEmpty() ? e.getType() : e.getClass().getName();
        return name.replace('$', '.');
    }

}
