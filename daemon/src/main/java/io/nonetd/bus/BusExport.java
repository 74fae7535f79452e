package io.nonetd.bus;

import io.nonetd.daemon.Control;
import io.nonetd.log.Log;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;

/**
 * Puts the daemon on the system bus: connects, exports {@link DaemonObject}, forwards session
 * events as signals, and takes the name {@code io.nonetd.Daemon.<instance>}. {@link #start} does
 * this on a thread of its own, so the daemon never waits for the bus; no bus is an info line,
 * a failure to export a warning, never fatal. Signals are sent from a single sender thread,
 * because {@link Control.Listener} runs on the daemon's loop thread and must not block.
 * Owns the bus connection and the sender thread.
 */
public final class BusExport implements AutoCloseable {
    static final int CONNECT_TIMEOUT_MS = 2000;
    private final Control control;
    private final String name;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> daemonThread(r, "bus-signals"));
    private volatile DBusConnection connection;
    private volatile boolean closed;

    private BusExport(Control control, String name) {
        this.control = control;
        this.name = name;
    }

    /** Starts the export in the background for the daemon whose first service is {@code service}. */
    public static BusExport start(Control control, String service) {
        BusExport export = new BusExport(control, BusName.forService(service));
        daemonThread(export::export, "bus-export").start();
        return export;
    }

    private void export() {
        DBusConnection c;
        try {
            // dbus-java retries a failed connect every 500 ms for this long (default 10 s).
            c = DBusConnectionBuilder.forSystemBus().withShared(false).transportConfig().withTimeout(CONNECT_TIMEOUT_MS).back().build();
        } catch (DBusException | RuntimeException e) {
            Log.info("No D-Bus system bus (" + e.getMessage() + "): the D-Bus API and nonetctl are off");
            return;
        }
        connection = c;
        try {
            c.exportObject(BusName.OBJECT_PATH, new DaemonObject(control));
            control.addListener(new Forwarder());
            c.requestBusName(name);
            sender.execute(() -> {}); // start the sender thread now, not at the first session
            Log.info("On the system bus as '" + name + "', object " + BusName.OBJECT_PATH + ", interface " + BusName.INTERFACE);
        } catch (DBusException | RuntimeException e) {
            Log.warning("Failed to export '" + name + "' on the system bus: " + e.getMessage() + ", ignoring");
            c.disconnect();
            connection = null;
        }
        if (closed) close();
    }

    /** Session events from the loop thread, sent as signals by the sender thread. */
    private final class Forwarder implements Control.Listener {
        @Override
        public void sessionNew(Control.SessionInfo s) {
            send(() -> new Daemon1.SessionNew(BusName.OBJECT_PATH, s.id(), s.service(), DaemonObject.nonNull(s.remoteAddress()),
                    new UInt32(Math.max(0, s.remotePort())), DaemonObject.nonNull(s.machine()), new UInt32(Math.max(0, s.leaderPid())),
                    new UInt64(DaemonObject.usec(s.started()))));
        }

        @Override
        public void sessionRemoved(Control.SessionInfo s, String exitStatus, String reason) {
            send(() -> new Daemon1.SessionRemoved(BusName.OBJECT_PATH, s.id(), s.service(), DaemonObject.nonNull(exitStatus),
                    DaemonObject.nonNull(reason)));
        }
    }

    private interface SignalFactory {
        DBusSignal make() throws DBusException;
    }

    private void send(SignalFactory signal) {
        if (closed || connection == null) return;
        sender.execute(() -> {
            DBusConnection c = connection;
            if (c == null) return;
            try {
                c.sendMessage(signal.make());
            } catch (DBusException | RuntimeException e) {
                Log.warning("Failed to send a D-Bus signal from '" + name + "': " + e.getMessage() + ", ignoring");
            }
        });
    }

    private static Thread daemonThread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Sends what is queued (for a second at most), then leaves the bus. */
    @Override
    public void close() {
        closed = true;
        sender.shutdown();
        try {
            sender.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        DBusConnection c = connection;
        connection = null;
        if (c != null) c.disconnect();
    }
}
