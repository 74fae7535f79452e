package io.nonetd.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UidRangesTest {
    @TempDir
    Path locks;

    @Test
    void rangesAreDistinctAlignedAndReused() {
        UidRanges r = new UidRanges(locks);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            long base = r.allocate();
            assertTrue(base >= UidRanges.FIRST && base + UidRanges.SIZE <= UidRanges.END, Long.toHexString(base));
            assertEquals(0, (base - UidRanges.FIRST) % UidRanges.SIZE);
            assertTrue(seen.add(base), "handed out twice: " + base);
        }
        long first = UidRanges.FIRST;
        r.release(first);
        assertEquals(first, r.allocate(), "a released range is used again");
    }

    @Test
    void twoDaemonsNeverShareABlock() {
        UidRanges a = new UidRanges(locks), b = new UidRanges(locks);
        long x = a.allocate(), y = b.allocate();
        assertNotEquals(x / (UidRanges.SIZE * UidRanges.BLOCK_SLOTS), y / (UidRanges.SIZE * UidRanges.BLOCK_SLOTS), "blocks differ");
        assertEquals(false, b.claim(x), "b cannot claim a range in a's block");
    }

    @Test
    void parsesNspawnArguments() {
        long base = UidRanges.FIRST + 5 * UidRanges.SIZE;
        assertEquals(base, UidRanges.parseBase(UidRanges.argument(base)));
        assertEquals(-1, UidRanges.parseBase("pick"));
        assertEquals(-1, UidRanges.parseBase("65536:65536"), "not in our area: nspawn's or the user's");
        assertEquals(-1, UidRanges.parseBase((UidRanges.FIRST + 1) + ":65536"));
    }
}
