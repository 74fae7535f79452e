package io.nonetd.daemon;

import io.nonetd.admission.Admission;
import io.nonetd.admission.FairQueue;
import io.nonetd.admission.Source;
import io.nonetd.config.ServiceConfig;
import io.nonetd.log.Log;
import io.nonetd.net.Peer;
import io.nonetd.os.Fd;
import io.nonetd.os.Poller;
import io.nonetd.os.Sockets;
import java.nio.charset.StandardCharsets;

/**
 * The way into one service: every accepted connection is started, queued or refused here,
 * following the service's [Limits]. Owns the queued connections. Runs on the loop thread.
 */
final class Gate {
    /** Starts a session; false when the spawn failed (already logged). Does not take the connection. */
    interface Starter {
        boolean start(Gate gate, String id, Peer peer, String source, Fd conn);
    }

    private final class Waiting {
        final String id;
        final Peer peer;
        final String source;
        final Fd conn;
        final long since = System.nanoTime();
        Object timer;

        Waiting(String id, Peer peer, String source, Fd conn) {
            this.id = id;
            this.peer = peer;
            this.source = source;
            this.conn = conn;
        }
    }

    private final Poller poller;
    private final Starter starter;
    private ServiceConfig service;
    private Admission admission;
    private final FairQueue<Waiting> queue = new FairQueue<>();
    private long refused;
    private final java.util.Map<String, Long> refusedByReason = new java.util.TreeMap<>();

    Gate(ServiceConfig service, Poller poller, Starter starter) {
        this.service = service;
        this.admission = new Admission(service.limits());
        this.poller = poller;
        this.starter = starter;
    }

    ServiceConfig service() {
        return service;
    }

    /** New sessions get the new config; running ones keep theirs and still count. */
    void reconfigure(ServiceConfig newService) {
        service = newService;
        admission = admission.withLimits(newService.limits());
        drain();
    }

    int queued() {
        return queue.size();
    }

    int running() {
        return admission.running();
    }

    long refused() {
        return refused;
    }

    /** Refusals counted by kind: rate-limit, queue-full, queue-timeout, stopping. */
    java.util.Map<String, Long> refusedByReason() {
        return refusedByReason;
    }

    /** Takes ownership of {@code conn}. */
    void offer(String id, Peer peer, Fd conn) {
        ServiceConfig.Limits limits = service.limits();
        String source = Source.of(peer, limits.sourcePrefixIPv4(), limits.sourcePrefixIPv6());
        long now = System.nanoTime();
        Admission.Decision d = admission.decide(source, queue.size(), queue.size(source), now);
        admission.forgetIdle(now);
        switch (d.verdict()) {
            case START -> start(id, peer, source, conn);
            case REFUSE -> refuse(id, peer, conn, d.reason());
            case QUEUE -> enqueue(new Waiting(id, peer, source, conn), d.reason());
        }
    }

    /** A session of this service ended: its place goes to the next in line. */
    void ended(String source) {
        admission.ended(source);
        drain();
    }

    /** Counts a session the previous daemon left running. */
    void adopted(String source) {
        admission.started(source);
    }

    /** Refuses everything still waiting (the daemon stops). */
    void close(String why) {
        for (Waiting w; (w = queue.poll(s -> true)) != null; ) {
            forget(w);
            refuse(w.id, w.peer, w.conn, why);
        }
    }

    private void start(String id, Peer peer, String source, Fd conn) {
        try (conn) {
            if (starter.start(this, id, peer, source, conn)) admission.started(source);
        }
    }

    private void enqueue(Waiting w, String why) {
        queue.add(w.source, w);
        Log.info("[" + w.id + "] queued: peer " + w.peer + ", service '" + service.name() + "': " + why + " (" + queue.size() + " waiting)");
        // A client that resets its connection leaves the queue (POLLHUP/POLLERR, always reported).
        // A FIN is not enough: a client that half-closed because it has nothing to send, and waits
        // for its answer, looks exactly like one that closed and left, so it keeps its place.
        poller.register(w.conn, 0, events -> {
            if (queue.remove(w.source, w)) {
                forget(w);
                Log.info("[" + w.id + "] left the queue: peer " + w.peer + " reset the connection after " + millisSince(w.since) + "ms");
                w.conn.close();
            }
        });
        w.timer = poller.schedule(w.since + service.limits().queueTimeout().toNanos(), () -> {
            if (queue.remove(w.source, w)) {
                forget(w);
                refuse(w.id, w.peer, w.conn, "waited QueueTimeoutSec=" + service.limits().queueTimeout().toMillis() / 1000.0 + "s in the queue");
            }
        });
    }

    private void drain() {
        for (Waiting w; (w = queue.poll(admission::mayStart)) != null; ) {
            forget(w);
            Log.debug("[" + w.id + "] leaves the queue after " + millisSince(w.since) + "ms");
            start(w.id, w.peer, w.source, w.conn);
        }
    }

    private void forget(Waiting w) {
        poller.unregister(w.conn);
        poller.cancel(w.timer);
    }

    private void refuse(String id, Peer peer, Fd conn, String reason) {
        refused++;
        String kind = reason.startsWith("rate limit") ? "rate-limit" : reason.contains("queue full") ? "queue-full"
                : reason.startsWith("waited") ? "queue-timeout" : "stopping";
        refusedByReason.merge(kind, 1L, Long::sum);
        Log.warning("[" + id + "] refused: peer " + peer + ", service '" + service.name() + "': " + reason);
        try (conn) {
            String msg = service.limits().refuseMessage();
            if (!msg.isEmpty()) Sockets.sendNow(conn, (msg + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
