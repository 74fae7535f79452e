package io.nonetd.daemon;

import io.nonetd.os.Poller;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@link Control} for threads other than the loop (D-Bus method calls): each call is posted to
 * the loop thread, which owns all daemon state, and waits for its answer.
 */
final class LoopControl implements Control {
    private static final long TIMEOUT_SECONDS = 5;
    private final Poller poller;
    private final Daemon daemon;
    private final Sessions sessions;
    private final Collection<Gate> gates;

    LoopControl(Poller poller, Daemon daemon, Sessions sessions, Collection<Gate> gates) {
        this.poller = poller;
        this.daemon = daemon;
        this.sessions = sessions;
        this.gates = gates;
    }

    @Override
    public List<SessionInfo> sessions() {
        return onLoop(sessions::infos);
    }

    @Override
    public Optional<SessionInfo> session(String id) {
        return Optional.ofNullable(onLoop(() -> sessions.info(id)));
    }

    @Override
    public boolean kill(String id, int signal) {
        return onLoop(() -> sessions.signal(id, signal, "killed by an operator with signal " + signal));
    }

    @Override
    public Stats stats() {
        return onLoop(() -> {
            Map<String, Long> refused = new TreeMap<>();
            int queued = 0;
            for (Gate g : gates) {
                g.refusedByReason().forEach((k, v) -> refused.merge(k, v, Long::sum));
                queued += g.queued();
            }
            long[] p = sessions.spawnPercentiles();
            return new Stats(sessions.served(), sessions.size(), queued, refused, sessions.failed(), p[0], p[1]);
        });
    }

    @Override
    public String reload() {
        return onLoop(daemon::reload);
    }

    @Override
    public void drain(Duration timeout) {
        onLoop(() -> {
            daemon.drain(timeout);
            return null;
        });
    }

    @Override
    public void addListener(Listener listener) {
        onLoop(() -> {
            sessions.addListener(listener);
            return null;
        });
    }

    private <T> T onLoop(Supplier<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        poller.execute(() -> {
            try {
                result.complete(call.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the daemon's loop", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the daemon's loop did not answer within " + TIMEOUT_SECONDS + "s", e);
        }
    }
}
