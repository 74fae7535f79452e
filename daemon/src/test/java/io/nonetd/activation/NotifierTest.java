package io.nonetd.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotifierTest {
    @Test
    void watchdogFollowsSdWatchdogEnabled() {
        assertEquals(Duration.ofSeconds(30), Notifier.watchdogInterval(Map.of("WATCHDOG_USEC", "30000000"), 7));
        assertEquals(Duration.ofSeconds(30), Notifier.watchdogInterval(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "7"), 7));
        assertNull(Notifier.watchdogInterval(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "8"), 7), "meant for another process");
        assertNull(Notifier.watchdogInterval(Map.of("WATCHDOG_USEC", "0"), 7));
        assertNull(Notifier.watchdogInterval(Map.of("WATCHDOG_USEC", "soon"), 7));
        assertNull(Notifier.watchdogInterval(Map.of(), 7));
    }

    @Test
    void withoutNotifySocketEverythingIsANoOp() {
        try (Notifier n = Notifier.fromEnvironment(Map.of("WATCHDOG_USEC", "1000000"), 1)) {
            assertNull(n.watchdogPeriod());
            n.ready("x");
            n.stopping("x");
        }
    }
}
