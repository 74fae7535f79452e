package io.nonetd.container;

import io.nonetd.cgroup.SessionCgroup;
import io.nonetd.config.ServiceConfig;
import io.nonetd.net.Peer;
import io.nonetd.os.Child;
import io.nonetd.os.Fd;
import java.time.Instant;

/**
 * One connection's container: created by {@link Launcher}, then owned by the daemon's loop
 * thread until it is reaped. Owns the nspawn child (and its pidfd) and the read end of the
 * pipe that carries nspawn's and the service's stdout/stderr.
 */
public final class Session implements AutoCloseable {
    private final String id;
    private final ServiceConfig config;
    private final Peer peer;
    private final String machine;
    private final Child child;
    private final Fd output;
    private final SessionCgroup cgroup;
    private final long uidBase;
    private final Fd handoff;
    private final Instant started = Instant.now();
    private final long startNanos = System.nanoTime();

    /** A session an earlier daemon started: no output pipe, and only a pidfd to watch it. */
    public static Session adopted(Leftover l, ServiceConfig config, SessionCgroup cgroup) throws io.nonetd.os.OsException {
        return new Session(l.id(), config, l.peer(), l.machine(), Child.watch(l.pid()), null, cgroup, l.uidBase(), null);
    }

    Session(String id, ServiceConfig config, Peer peer, String machine, Child child, Fd output, SessionCgroup cgroup, long uidBase,
            Fd handoff) {
        this.cgroup = cgroup;
        this.handoff = handoff;
        this.uidBase = uidBase;
        this.id = id;
        this.config = config;
        this.peer = peer;
        this.machine = machine;
        this.child = child;
        this.output = output;
    }

    public String id() {
        return id;
    }

    public ServiceConfig config() {
        return config;
    }

    public Peer peer() {
        return peer;
    }

    public String machine() {
        return machine;
    }

    public Child child() {
        return child;
    }

    /** The output pipe; null for an adopted session. */
    public Fd output() {
        return output;
    }

    public Instant started() {
        return started;
    }

    public long elapsedNanos() {
        return System.nanoTime() - startNanos;
    }

    /** The warm pool's handoff socket, until the helper has closed its end; null for a cold session. */
    public Fd handoff() {
        return handoff;
    }

    /** The first uid of the range nonetd gave this session, or -1 (nspawn picked, or no user namespace). */
    public long uidBase() {
        return uidBase;
    }

    /** "[3fa9c01e]", the prefix of every log line about this session. */
    public String tag() {
        return "[" + id + "]";
    }

    /** The session's own cgroups; null when systemd's scope carries the limits. */
    public SessionCgroup cgroup() {
        return cgroup;
    }

    @Override
    public void close() {
        child.close();
        if (output != null) output.close();
        if (handoff != null) handoff.close();
    }
}
