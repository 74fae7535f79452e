package io.nonetd.bus;

import java.util.List;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.annotations.DBusMemberName;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;

/**
 * The interface {@code io.nonetd.Daemon1} at {@code /io/nonetd/Daemon}. The daemon implements it
 * ({@link DaemonObject}); nonetctl calls it through a dbus-java proxy. Errors are the classes in
 * {@link Error}; the bus itself answers org.freedesktop.DBus.Error.AccessDenied to callers the
 * policy file refuses (everyone but root, for KillSession, Reload and Drain).
 */
@DBusInterfaceName(BusName.INTERFACE)
public interface Daemon1 extends DBusInterface {
    @DBusMemberName("ListSessions")
    List<BusSession> listSessions();

    /** Fails with NoSuchSession. */
    @DBusMemberName("GetSession")
    BusSession getSession(String id);

    /** Sends the signal to the session's nspawn (15, SIGTERM, stops its container). Fails with NoSuchSession. */
    @DBusMemberName("KillSession")
    void killSession(String id, int signal);

    /** A one-element list: a bare struct with a map field does not export in dbus-java 5.1.1. */
    @DBusMemberName("Stats")
    List<BusStats> stats();

    /** Rereads every config file; fails with ReloadFailed (the old config stays). */
    @DBusMemberName("Reload")
    void reload();

    /** Stops accepting, lets sessions finish for up to the timeout, then stops them; the daemon then exits. */
    @DBusMemberName("Drain")
    void drain(UInt64 timeoutUsec);

    /** A session started. */
    class SessionNew extends DBusSignal {
        public final String id;
        public final String service;
        public final String remoteAddress;
        public final UInt32 remotePort;
        public final String machine;
        public final UInt32 leaderPid;
        public final UInt64 startedUsec;

        public SessionNew(String path, String id, String service, String remoteAddress, UInt32 remotePort, String machine,
                          UInt32 leaderPid, UInt64 startedUsec) throws DBusException {
            super(path, id, service, remoteAddress, remotePort, machine, leaderPid, startedUsec);
            this.id = id;
            this.service = service;
            this.remoteAddress = remoteAddress;
            this.remotePort = remotePort;
            this.machine = machine;
            this.leaderPid = leaderPid;
            this.startedUsec = startedUsec;
        }
    }

    /** A session ended: its exit status ("exit status 0", "killed by signal 9") and why it ended. */
    class SessionRemoved extends DBusSignal {
        public final String id;
        public final String service;
        public final String exitStatus;
        public final String reason;

        public SessionRemoved(String path, String id, String service, String exitStatus, String reason) throws DBusException {
            super(path, id, service, exitStatus, reason);
            this.id = id;
            this.service = service;
            this.exitStatus = exitStatus;
            this.reason = reason;
        }
    }
}
