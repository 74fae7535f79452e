package io.nonetd.daemon;

import java.util.Arrays;

/** The last 1,024 spawn times, for the p50 and p99 that Stats reports. Loop thread only. */
final class SpawnTimes {
    private final long[] micros = new long[1024];
    private int count;

    void add(long nanos) {
        micros[count++ % micros.length] = nanos / 1000;
    }

    /** p50 and p99 in microseconds; zeros before the first spawn. */
    long[] percentiles() {
        int n = Math.min(count, micros.length);
        if (n == 0) return new long[] {0, 0};
        long[] sorted = Arrays.copyOf(micros, n);
        Arrays.sort(sorted);
        return new long[] {sorted[(n - 1) / 2], sorted[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)]};
    }
}
