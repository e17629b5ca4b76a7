package io.etcdmp.internal.config;

import io.etcdmp.internal.metrics.GaugeSource;
import io.etcdmp.internal.metrics.Metric;
import io.etcdmp.internal.metrics.Metrics;

import java.util.Map;

/** A config source's gauges, read only when a metrics binding exports them (never on a lookup). */
final class SourceMetrics implements GaugeSource {
    /** The attribute naming a source: its prefixes, comma-separated. */
    static final String PREFIXES = "etcd.config.prefixes";
    private final PrefixConfigSource source;
    private final Map<String, String> attributes;

    private SourceMetrics(PrefixConfigSource source) {
        this.source = source;
        this.attributes = Map.of(PREFIXES, String.join(",", source.settings().prefixes()));
    }

    /** Adds the source's gauges; closing the result removes them. */
    static AutoCloseable register(PrefixConfigSource source) {
        return Metrics.gauges(new SourceMetrics(source));
    }

    @Override
    public void observe(Metric metric, Sink sink) {
        switch (metric) {
            case CONFIG_REVISION -> sink.record(attributes, source.revision());
            case CONFIG_KEYS -> sink.record(attributes, source.getPropertyNames().size());
            case CONFIG_STALE -> sink.record(attributes, source.isStale() || !source.isLive() ? 1 : 0);
            case CONFIG_SYNC_AGE -> sink.record(attributes, source.notLiveNanos() / 1e9);
            default -> {
            }
        }
    }
}
