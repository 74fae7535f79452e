package io.nonetd.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nonetd.config.ServiceConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AdmissionTest {
    static ServiceConfig.Limits limits(int max, int perSource, double rate, int burst, int queueMax) {
        return new ServiceConfig.Limits(max, perSource, 32, 128, rate, burst, queueMax, Duration.ofSeconds(10), "", null, null, null, null, null);
    }

    @Test
    void startsQueuesThenRefuses() {
        Admission a = new Admission(limits(2, 8, 0, 1, 1));
        assertEquals(new Admission.Decision(Admission.Verdict.START, null), a.decide("s", 0, 0, 0));
        a.started("s");
        a.started("t");
        assertEquals(new Admission.Decision(Admission.Verdict.QUEUE, "MaxSessions=2 reached"), a.decide("u", 0, 0, 0));
        assertEquals(new Admission.Decision(Admission.Verdict.REFUSE, "MaxSessions=2 reached, queue full (QueueMax=1)"), a.decide("u", 1, 1, 0));
        a.ended("s");
        assertEquals(1, a.running());
    }

    @Test
    void perSourceLimitLeavesRoomForOthers() {
        Admission a = new Admission(limits(10, 2, 0, 1, 5));
        a.started("greedy");
        a.started("greedy");
        assertEquals(Admission.Verdict.QUEUE, a.decide("greedy", 0, 0, 0).verdict());
        assertEquals("MaxSessionsPerSource=2 reached for source greedy", a.decide("greedy", 0, 0, 0).reason());
        assertEquals(Admission.Verdict.START, a.decide("polite", 3, 0, 0).verdict(), "others start although greedy waits");
    }

    @Test
    void rateLimitRefusesPerSource() {
        Admission a = new Admission(limits(10, 10, 1, 2, 5));
        assertEquals(Admission.Verdict.START, a.decide("s", 0, 0, 0).verdict());
        assertEquals(Admission.Verdict.START, a.decide("s", 0, 0, 0).verdict());
        assertEquals(new Admission.Decision(Admission.Verdict.REFUSE, "rate limit of 1.0/s (burst 2) reached for source s"), a.decide("s", 0, 0, 0));
        assertEquals(Admission.Verdict.START, a.decide("t", 0, 0, 0).verdict(), "another source has its own bucket");
        assertEquals(Admission.Verdict.START, a.decide("s", 0, 0, 1_000_000_000L).verdict(), "a token a second");
    }

    @Test
    void reloadKeepsCounts() {
        Admission a = new Admission(limits(3, 3, 0, 1, 0));
        a.started("s");
        a.started("s");
        Admission b = a.withLimits(limits(2, 2, 0, 1, 0));
        assertEquals(2, b.running());
        assertEquals(Admission.Verdict.REFUSE, b.decide("t", 0, 0, 0).verdict());
    }
}
