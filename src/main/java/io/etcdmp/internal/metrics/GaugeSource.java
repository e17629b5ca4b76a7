package io.etcdmp.internal.metrics;

import java.util.Map;

/** A component's gauges, read when a binding exports them (never on a lookup path). */
@FunctionalInterface
public interface GaugeSource {
    /** Reports the current values of {@code metric}'s series this component owns, if any. */
    void observe(Metric metric, Sink sink);

    /** Where a gauge source reports one value. */
    @FunctionalInterface
    interface Sink {
        void record(Map<String, String> attributes, double value);
    }
}
