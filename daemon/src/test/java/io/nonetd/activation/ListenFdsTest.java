package io.nonetd.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListenFdsTest {
    @Test
    void takesNamedFdsMeantForUs() {
        assertEquals(List.of(new ListenFds.Passed(3, "echo"), new ListenFds.Passed(4, "web")),
                ListenFds.parse(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "2", "LISTEN_FDNAMES", "echo:web"), 42));
    }

    @Test
    void unnamedFdsAreUnknown() {
        assertEquals(List.of(new ListenFds.Passed(3, "unknown")), ListenFds.parse(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "1"), 42));
    }

    @Test
    void ignoresFdsMeantForAnotherProcess() {
        assertEquals(List.of(), ListenFds.parse(Map.of("LISTEN_PID", "41", "LISTEN_FDS", "1"), 42));
        assertEquals(List.of(), ListenFds.parse(Map.of("LISTEN_FDS", "1"), 42));
    }

    @Test
    void refusesInconsistentVariables() {
        assertEquals("LISTEN_FDNAMES has 1 names for 2 fds: 'a'",
                assertThrows(IllegalArgumentException.class, () -> ListenFds.parse(Map.of("LISTEN_PID", "1", "LISTEN_FDS", "2", "LISTEN_FDNAMES", "a"), 1)).getMessage());
        assertEquals("LISTEN_FDS is not a number: 'x'",
                assertThrows(IllegalArgumentException.class, () -> ListenFds.parse(Map.of("LISTEN_PID", "1", "LISTEN_FDS", "x"), 1)).getMessage());
        assertEquals("LISTEN_PID is set but LISTEN_FDS is not",
                assertThrows(IllegalArgumentException.class, () -> ListenFds.parse(Map.of("LISTEN_PID", "1"), 1)).getMessage());
    }
}
