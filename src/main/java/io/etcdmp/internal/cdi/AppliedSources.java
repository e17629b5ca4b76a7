package io.etcdmp.internal.cdi;

import io.etcdmp.internal.config.PrefixConfigSource;
import io.etcdmp.internal.registry.AppliedConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * The configuration a deployment runs, for its self-registration's record: the lowest revision its etcd config
 * sources applied, stale while any serves from the cache file or is cut off from etcd (as metric
 * {@code etcd.config.stale}). Null from {@link #of} when the deployment reads no config from etcd.
 */
public final class AppliedSources implements AppliedConfig {
    private final List<PrefixConfigSource> sources;

    private AppliedSources(List<PrefixConfigSource> sources) {
        this.sources = List.copyOf(sources);
    }

    /** The config the application's own etcd sources applied; null when it has none. */
    public static AppliedConfig of(List<PrefixConfigSource> sources) {
        return sources.isEmpty() ? null : new AppliedSources(sources);
    }

    @Override
    public long revision() {
        return sources.stream().mapToLong(PrefixConfigSource::revision).filter(r -> r > 0).min().orElse(0);
    }

    @Override
    public boolean stale() {
        return sources.stream().anyMatch(s -> s.isStale() || !s.isLive());
    }

    @Override
    public AutoCloseable onChange(Runnable changed) {
        List<AutoCloseable> subscriptions = new ArrayList<>();
        for (PrefixConfigSource source : sources) {
            subscriptions.add(source.addChangeListener(event -> changed.run()));
        }
        return () -> {
            for (AutoCloseable subscription : subscriptions) {
                subscription.close();
            }
        };
    }
}
