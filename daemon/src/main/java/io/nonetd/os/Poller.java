package io.nonetd.os;

import io.nonetd.log.Log;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import jnr.ffi.Pointer;

/**
 * A poll(2) loop for one thread: fd readiness handlers, timers, and tasks posted from other
 * threads. Everything but {@link #execute} and {@link #wakeup} must be called on the loop
 * thread. Handlers may register and unregister fds, including their own, while they run.
 */
public final class Poller implements AutoCloseable {
    public static final int POLLIN = 0x1, POLLERR = 0x8, POLLHUP = 0x10;
    private static final int EFD_NONBLOCK = 0x800, EFD_CLOEXEC = 0x80000;

    /** Called on the loop thread with the returned events of its fd. */
    @FunctionalInterface
    public interface Handler {
        void ready(int revents);
    }

    private record Watch(int events, Handler handler) {}

    private record Timer(long deadlineNanos, long seq, Runnable action) {}

    private final Fd wake;
    private final Map<Integer, Watch> watches = new LinkedHashMap<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> a.deadlineNanos != b.deadlineNanos
            ? Long.compare(a.deadlineNanos, b.deadlineNanos) : Long.compare(a.seq, b.seq));
    private long timerSeq;
    private final Pointer eventBuf = Native.allocate(8);

    public Poller() throws OsException {
        wake = new Fd(Native.check(Native.C.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), "eventfd()"));
    }

    public void register(Fd fd, int events, Handler handler) {
        watches.put(fd.fd(), new Watch(events, handler));
    }

    /**
     * Stops watching {@code fd}; call it before closing the fd, whose number may be reused. A
     * closed fd is ignored: its number may belong to another fd by now.
     */
    public void unregister(Fd fd) {
        if (fd.isOpen()) watches.remove(fd.number());
    }

    /** Runs {@code action} on the loop thread at {@code nanoTime >= deadline}; returns a handle for {@link #cancel}. */
    public Object schedule(long deadlineNanos, Runnable action) {
        Timer t = new Timer(deadlineNanos, timerSeq++, action);
        timers.add(t);
        return t;
    }

    public void cancel(Object timer) {
        if (timer != null) timers.remove(timer);
    }

    /** Posts {@code task} to the loop thread; callable from any thread, including signal handlers. */
    public void execute(Runnable task) {
        tasks.add(task);
        wakeup();
    }

    public void wakeup() {
        Pointer one = Native.allocate(8);
        one.putLong(0, 1L);
        Native.C.write(wake.fd(), one, 8);
    }

    /** Waits up to {@code maxWaitMs} (or less, for the next timer), then dispatches what is ready. */
    public void runOnce(int maxWaitMs) throws OsException {
        List<Integer> fds = new ArrayList<>(watches.size() + 1);
        fds.add(wake.fd());
        fds.addAll(watches.keySet());
        Pointer pfds = Native.allocate(8 * fds.size());
        for (int i = 0; i < fds.size(); i++) {
            int fd = fds.get(i);
            pfds.putInt(8L * i, fd);
            pfds.putShort(8L * i + 4, (short) (i == 0 ? POLLIN : watches.get(fd).events()));
            pfds.putShort(8L * i + 6, (short) 0);
        }
        int rc = Native.C.poll(pfds, fds.size(), timeoutMs(maxWaitMs));
        if (rc < 0 && Native.errno() != Native.EINTR) Native.check(rc, "poll(" + fds.size() + " fds)");
        if (rc > 0) {
            for (int i = 0; i < fds.size(); i++) {
                int revents = pfds.getShort(8L * i + 6) & 0xffff;
                if (revents == 0) continue;
                if (i == 0) {
                    Native.C.read(wake.fd(), eventBuf, 8);
                    continue;
                }
                Watch w = watches.get(fds.get(i));
                if (w != null) dispatch(fds.get(i), w, revents);
            }
        }
        runDueTimers();
        for (Runnable task; (task = tasks.poll()) != null; ) task.run();
    }

    /** A failing handler is a bug, but it must not take the other sessions down with it. */
    private void dispatch(int fd, Watch w, int revents) {
        try {
            w.handler().ready(revents);
        } catch (RuntimeException e) {
            Log.error("Internal error in the handler of fd " + fd + ": " + e + ", continuing");
        }
    }

    private int timeoutMs(int maxWaitMs) {
        if (!tasks.isEmpty()) return 0;
        Timer next = timers.peek();
        if (next == null) return maxWaitMs;
        long untilNext = Math.max(0, (next.deadlineNanos - System.nanoTime() + 999_999) / 1_000_000);
        return (int) Math.min(maxWaitMs, untilNext);
    }

    private void runDueTimers() {
        long now = System.nanoTime();
        while (!timers.isEmpty() && timers.peek().deadlineNanos - now <= 0) {
            timers.poll().action().run();
        }
    }

    @Override
    public void close() {
        wake.close();
    }
}
