package io.nonetd.admission;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
    static final long S = 1_000_000_000L;

    @Test
    void burstThenRate() {
        TokenBucket b = new TokenBucket(2, 3, 0);
        assertTrue(b.tryTake(0));
        assertTrue(b.tryTake(0));
        assertTrue(b.tryTake(0));
        assertFalse(b.tryTake(0), "burst used up");
        assertFalse(b.tryTake(S / 4), "half a token after 250ms at 2/s");
        assertTrue(b.tryTake(S / 2), "one token after 500ms");
        assertFalse(b.isFull(S / 2));
        assertTrue(b.isFull(10 * S));
        assertTrue(b.tryTake(10 * S) && b.tryTake(10 * S) && b.tryTake(10 * S));
        assertFalse(b.tryTake(10 * S), "never more than the burst saved up");
    }
}
