package io.nonetd.bus;

import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.Position;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;

/** One running session on the bus, {@code (ssssuusts)}: see {@link Daemon1#listSessions}. */
public final class BusSession extends Struct {
    @Position(0) public final String id;
    @Position(1) public final String service;
    @Position(2) public final String remoteAddress;
    @Position(3) public final String machine;
    /** 0 for a unix socket peer. */
    @Position(4) public final UInt32 remotePort;
    @Position(5) public final UInt32 leaderPid;
    @Position(6) public final String state;
    /** Microseconds since the epoch. */
    @Position(7) public final UInt64 startedUsec;

    public BusSession(String id, String service, String remoteAddress, String machine, UInt32 remotePort, UInt32 leaderPid,
                      String state, UInt64 startedUsec) {
        this.id = id;
        this.service = service;
        this.remoteAddress = remoteAddress;
        this.machine = machine;
        this.remotePort = remotePort;
        this.leaderPid = leaderPid;
        this.state = state;
        this.startedUsec = startedUsec;
    }
}
