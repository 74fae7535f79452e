package io.nonetd.daemon;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What operators may see and steer, for the D-Bus API and nonetctl. Thread-safe: every call is
 * carried out on the daemon's loop thread and waits for it (at most a few seconds).
 */
public interface Control {
    /** One running session as operators see it. */
    record SessionInfo(String id, String service, String remoteAddress, int remotePort, String machine, int leaderPid,
                       Instant started, String state) {}

    /** Counters since the daemon started. Spawn times are of the posix_spawn call and its setup, in microseconds. */
    record Stats(long served, int running, int queued, Map<String, Long> refusedByReason, long spawnFailures,
                 long spawnP50Micros, long spawnP99Micros) {}

    /** Called on the loop thread; must not block. */
    interface Listener {
        void sessionNew(SessionInfo session);

        void sessionRemoved(SessionInfo session, String exitStatus, String reason);
    }

    List<SessionInfo> sessions();

    Optional<SessionInfo> session(String id);

    /** Sends {@code signal} to the session's nspawn (SIGTERM stops the container); false when there is no such session. */
    boolean kill(String id, int signal);

    Stats stats();

    /** Rereads every config file; null when it worked, else the error (the old config stays). */
    String reload();

    /** Stops accepting and lets running sessions finish for up to {@code timeout}, then stops them; the daemon then exits. */
    void drain(Duration timeout);

    void addListener(Listener listener);
}
