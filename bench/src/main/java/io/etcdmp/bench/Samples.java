package io.etcdmp.bench;

import java.util.Arrays;

/** Latency samples in nanoseconds; percentiles by the nearest-rank method. */
final class Samples {
    private long[] values = new long[64];
    private int size;

    void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    int size() {
        return size;
    }

    /** The {@code p}-th percentile (0 < p <= 100) in milliseconds. */
    double percentileMillis(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * size);
        return sorted[Math.max(0, Math.min(size, rank) - 1)] / 1e6;
    }

    double medianMillis() {
        return percentileMillis(50);
    }

    double maxMillis() {
        return percentileMillis(100);
    }
}
