package io.nonetd.activation;

import io.nonetd.log.Log;
import io.nonetd.os.Datagram;
import io.nonetd.os.OsException;
import java.time.Duration;
import java.util.Map;

/**
 * sd_notify(3): READY=1, STATUS=, RELOADING=1, STOPPING=1 and WATCHDOG=1 to systemd, when
 * NOTIFY_SOCKET is set; a no-op otherwise. Main creates it from the environment.
 */
public final class Notifier implements AutoCloseable {
    private final Datagram socket;
    private final Duration watchdog;

    private Notifier(Datagram socket, Duration watchdog) {
        this.socket = socket;
        this.watchdog = watchdog;
    }

    /** Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID, as sd_watchdog_enabled(3) does. */
    public static Notifier fromEnvironment(Map<String, String> env, long pid) {
        String path = env.get("NOTIFY_SOCKET");
        Datagram socket = null;
        if (path != null && !path.isEmpty()) {
            try {
                socket = new Datagram(path);
            } catch (OsException e) {
                Log.warning("Failed to open NOTIFY_SOCKET '" + path + "': " + e.getMessage() + ", ignoring");
            }
        }
        return new Notifier(socket, watchdogInterval(env, pid));
    }

    /** The watchdog period systemd asked for, or null; pure for tests. */
    static Duration watchdogInterval(Map<String, String> env, long pid) {
        String usec = env.get("WATCHDOG_USEC");
        String forPid = env.get("WATCHDOG_PID");
        if (usec == null) return null;
        if (forPid != null && !forPid.strip().equals(Long.toString(pid))) return null;
        try {
            long u = Long.parseLong(usec.strip());
            return u > 0 ? Duration.ofNanos(u * 1000) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** How often to send WATCHDOG=1 (half the timeout), or null when systemd does not watch us. */
    public Duration watchdogPeriod() {
        return watchdog == null || socket == null ? null : watchdog.dividedBy(2);
    }

    public void ready(String status) {
        send("READY=1\nSTATUS=" + status);
    }

    public void status(String status) {
        send("STATUS=" + status);
    }

    public void reloading() {
        send("RELOADING=1\nSTATUS=Reloading configuration");
    }

    public void stopping(String status) {
        send("STOPPING=1\nSTATUS=" + status);
    }

    public void watchdog() {
        send("WATCHDOG=1");
    }

    private void send(String message) {
        if (socket == null) return;
        try {
            socket.send(message);
        } catch (OsException e) {
            Log.warning("Failed to notify systemd: " + e.getMessage() + ", ignoring");
        }
    }

    @Override
    public void close() {
        if (socket != null) socket.close();
    }
}
