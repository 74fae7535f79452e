package io.nonetd.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nonetd.daemon.Control;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.freedesktop.dbus.types.UInt64;
import org.junit.jupiter.api.Test;

class DaemonObjectTest {
    /** A Control with one session, "abc", that records what it is asked to do. */
    static final class FakeControl implements Control {
        final SessionInfo abc = new SessionInfo("abc", "echo", "127.0.0.1", 4000, "nonetd-echo-abc", 42,
                Instant.ofEpochSecond(1_700_000_000, 123_456_000), "running");
        final List<String> calls = new ArrayList<>();
        String reloadError;
        RuntimeException fail;

        @Override
        public List<SessionInfo> sessions() {
            if (fail != null) throw fail;
            return List.of(abc);
        }

        @Override
        public Optional<SessionInfo> session(String id) {
            return id.equals("abc") ? Optional.of(abc) : Optional.empty();
        }

        @Override
        public boolean kill(String id, int signal) {
            calls.add("kill " + id + " " + signal);
            return id.equals("abc");
        }

        @Override
        public Stats stats() {
            return new Stats(10, 1, 2, Map.of("rate", 3L), 4, 500, 900);
        }

        @Override
        public String reload() {
            calls.add("reload");
            return reloadError;
        }

        @Override
        public void drain(Duration timeout) {
            calls.add("drain " + timeout);
        }

        @Override
        public void addListener(Listener listener) {}
    }

    final FakeControl control = new FakeControl();
    final DaemonObject object = new DaemonObject(control);

    @Test
    void sessionsAsStructs() {
        BusSession s = object.listSessions().get(0);
        assertEquals("abc", s.id);
        assertEquals("127.0.0.1", s.remoteAddress);
        assertEquals(4000, s.remotePort.intValue());
        assertEquals(42, s.leaderPid.intValue());
        assertEquals(1_700_000_000_123_456L, s.startedUsec.longValue());
        assertEquals("running", object.getSession("abc").state);
    }

    @Test
    void unknownSessionIsNoSuchSession() {
        Error.NoSuchSession e = assertThrows(Error.NoSuchSession.class, () -> object.getSession("zzz"));
        assertEquals("No session 'zzz'", e.getMessage());
        assertThrows(Error.NoSuchSession.class, () -> object.killSession("zzz", 15));
    }

    @Test
    void killChecksTheSignal() {
        object.killSession("abc", 9);
        assertEquals(List.of("kill abc 9"), control.calls);
        Error.InvalidArgs e = assertThrows(Error.InvalidArgs.class, () -> object.killSession("abc", 0));
        assertEquals("Invalid signal 0: expected 1..64", e.getMessage());
    }

    @Test
    void stats() {
        BusStats s = object.stats().get(0);
        assertEquals(10, s.served.longValue());
        assertEquals(2, s.queued.intValue());
        assertEquals(3, s.refusedByReason.get("rate").longValue());
        assertEquals(900, s.spawnP99Usec.longValue());
    }

    @Test
    void aRefusedReloadIsReloadFailed() {
        object.reload();
        control.reloadError = "/etc/nonetd/echo.conf:3: Handoff=: invalid value 'pipe'";
        Error.ReloadFailed e = assertThrows(Error.ReloadFailed.class, object::reload);
        assertEquals("Failed to reload the configuration: /etc/nonetd/echo.conf:3: Handoff=: invalid value 'pipe'", e.getMessage());
    }

    @Test
    void drainTakesMicroseconds() {
        object.drain(new UInt64(2_500_000));
        assertEquals(List.of("drain PT2.5S"), control.calls);
        assertThrows(Error.InvalidArgs.class, () -> object.drain(new UInt64(DaemonObject.MAX_DRAIN_USEC + 1)));
    }

    @Test
    void aLoopThatDoesNotAnswerIsFailed() {
        control.fail = new IllegalStateException("the daemon's loop did not answer within 5s");
        Error.Failed e = assertThrows(Error.Failed.class, object::listSessions);
        assertEquals("The daemon did not carry out the call: the daemon's loop did not answer within 5s", e.getMessage());
    }
}
