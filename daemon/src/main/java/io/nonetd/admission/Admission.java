package io.nonetd.admission;

import io.nonetd.config.ServiceConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * Decides, for one service, whether a new connection from a source may start now, must wait
 * in the queue, or is refused, and why. Pure bookkeeping with time passed in; the daemon's loop
 * thread owns it and reports every start and end.
 */
public final class Admission {
    public enum Verdict { START, QUEUE, REFUSE }

    /** The verdict and, for QUEUE and REFUSE, the reason to log. */
    public record Decision(Verdict verdict, String reason) {}

    private final ServiceConfig.Limits limits;
    private final Map<String, Integer> runningBySource = new HashMap<>();
    private final Map<String, TokenBucket> buckets = new HashMap<>();
    private int running;

    public Admission(ServiceConfig.Limits limits) {
        this.limits = limits;
    }

    /** The same counts under new limits (a reload); rate buckets start afresh. */
    public Admission withLimits(ServiceConfig.Limits newLimits) {
        Admission a = new Admission(newLimits);
        a.running = running;
        a.runningBySource.putAll(runningBySource);
        return a;
    }

    public ServiceConfig.Limits limits() {
        return limits;
    }

    /**
     * For a new connection. {@code queued} counts all waiting connections, {@code queuedFromSource}
     * those of this source, which must go first.
     */
    public Decision decide(String source, int queued, int queuedFromSource, long nowNanos) {
        if (limits.rateLimit() > 0) {
            TokenBucket b = buckets.computeIfAbsent(source, s -> new TokenBucket(limits.rateLimit(), limits.rateBurst(), nowNanos));
            if (!b.tryTake(nowNanos)) {
                return new Decision(Verdict.REFUSE, "rate limit of " + limits.rateLimit() + "/s (burst " + limits.rateBurst() + ") reached for source " + source);
            }
        }
        if (mayStart(source) && queuedFromSource == 0) return new Decision(Verdict.START, null);
        String why = running >= limits.maxSessions()
                ? "MaxSessions=" + limits.maxSessions() + " reached"
                : "MaxSessionsPerSource=" + limits.maxSessionsPerSource() + " reached for source " + source;
        if (queued >= limits.queueMax()) return new Decision(Verdict.REFUSE, why + ", queue full (QueueMax=" + limits.queueMax() + ")");
        return new Decision(Verdict.QUEUE, why);
    }

    /** Whether a connection from {@code source} may start now, as far as session counts go. */
    public boolean mayStart(String source) {
        return running < limits.maxSessions() && runningBySource.getOrDefault(source, 0) < limits.maxSessionsPerSource();
    }

    public void started(String source) {
        running++;
        runningBySource.merge(source, 1, Integer::sum);
    }

    public void ended(String source) {
        running--;
        runningBySource.computeIfPresent(source, (k, n) -> n <= 1 ? null : n - 1);
    }

    public int running() {
        return running;
    }

    /** Forgets sources whose buckets are full again, so that memory stays bounded. */
    public void forgetIdle(long nowNanos) {
        buckets.entrySet().removeIf(e -> e.getValue().isFull(nowNanos) && !runningBySource.containsKey(e.getKey()));
    }
}
