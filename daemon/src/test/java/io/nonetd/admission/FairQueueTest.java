package io.nonetd.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FairQueueTest {
    @Test
    void roundRobinBetweenSourcesFifoWithin() {
        FairQueue<String> q = new FairQueue<>();
        for (int i = 1; i <= 4; i++) q.add("busy", "b" + i);
        q.add("quiet", "q1");
        q.add("other", "o1");
        q.add("quiet", "q2");
        List<String> order = new ArrayList<>();
        for (String s; (s = q.poll(x -> true)) != null; ) order.add(s);
        assertEquals(List.of("b1", "q1", "o1", "b2", "q2", "b3", "b4"), order);
        assertEquals(0, q.size());
    }

    @Test
    void skipsSourcesThatMayNotStart() {
        FairQueue<String> q = new FairQueue<>();
        q.add("full", "f1");
        q.add("free", "x1");
        assertEquals("x1", q.poll(s -> !s.equals("full")));
        assertNull(q.poll(s -> !s.equals("full")));
        assertEquals(1, q.size("full"));
    }

    @Test
    void removesALeaver() {
        FairQueue<String> q = new FairQueue<>();
        q.add("a", "a1");
        q.add("a", "a2");
        assertTrue(q.remove("a", "a1"));
        assertEquals(1, q.size());
        assertEquals("a2", q.poll(s -> true));
    }
}
