package io.nonetd.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimeSpanTest {
    @Test
    void parsesSystemdSpans() {
        assertEquals(Duration.ofSeconds(5), TimeSpan.parse("5"));
        assertEquals(Duration.ofMillis(500), TimeSpan.parse("500ms"));
        assertEquals(Duration.ofSeconds(90), TimeSpan.parse("1min 30s"));
        assertEquals(Duration.ofHours(2), TimeSpan.parse("2h"));
        assertEquals(Duration.ofMillis(1500), TimeSpan.parse("1.5s"));
    }

    @Test
    void refusesGarbage() {
        assertEquals("unknown time unit 'parsecs' in '3parsecs'", assertThrows(IllegalArgumentException.class, () -> TimeSpan.parse("3parsecs")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> TimeSpan.parse("soon"));
        assertThrows(IllegalArgumentException.class, () -> TimeSpan.parse(""));
        assertThrows(IllegalArgumentException.class, () -> TimeSpan.parse("-5s"));
    }
}
