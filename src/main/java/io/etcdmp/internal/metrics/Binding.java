package io.etcdmp.internal.metrics;

/** Exports the library's metrics to one metrics API. Implementations name that API; nothing else does. */
interface Binding extends AutoCloseable {
    /** Records one duration of the histogram {@code metric}. */
    void recordDuration(Metric metric, java.util.Map<String, String> attributes, double seconds);

    /** A counter series appeared (Micrometer registers meters per series; OpenTelemetry needs nothing). */
    default void seriesAdded(Series series) {
    }

    /** A component's gauges came or went, or their series changed (a new service, a new status). */
    default void gaugesChanged() {
    }

    @Override
    void close();
}
