package io.etcdmp.internal.config;

import io.etcdmp.config.ConfigChange;
import io.etcdmp.config.ConfigChangeEvent;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.metrics.FlightEvents;
import io.etcdmp.internal.secrets.EncryptedValue;
import io.etcdmp.internal.metrics.Metric;
import io.etcdmp.internal.metrics.Metrics;

import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A config source's changes: applies each batch to the snapshot, hands one {@link ConfigChangeEvent} per revision to
 * the listeners (on the connection's event thread, in revision order), and counts them ({@code etcd.config.changes},
 * the JFR event {@code io.etcdmp.ConfigChanged}).
 */
final class ChangeEvents {
    private static final System.Logger LOG = System.getLogger(ChangeEvents.class.getName());
    private final ConfigSnapshot snapshot;
    private final List<Consumer<ConfigChangeEvent>> listeners = new CopyOnWriteArrayList<>();
    private final String prefixes;
    private final Map<String, String> attributes;

    ChangeEvents(ConfigSnapshot snapshot, List<String> prefixes) {
        this.snapshot = snapshot;
        this.prefixes = String.join(",", prefixes);
        this.attributes = Map.of(SourceMetrics.PREFIXES, this.prefixes);
    }

    AutoCloseable add(Consumer<ConfigChangeEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    void clear() {
        listeners.clear();
    }

    /** Applies {@code batches} (one revision) to the snapshot; {@code publishing}: the source has started, report changes. */
    void apply(List<RevisionOrder.Batch> batches, long revision, boolean publishing, EtcdConnection connection) {
        // what changed is computed whenever the source publishes, listeners or not: the count is of properties
        // changed. A re-read diffs what it read against what is held anyway; computing the changes adds two
        // decodes per changed property only (a compaction re-read of 10,000 unchanged keys: none)
        Map<String, ConfigChange> changed = new HashMap<>();
        for (RevisionOrder.Batch batch : batches) {
            Map<String, ConfigChange> step = batch.whole() != null
                    ? snapshot.reset(batch.index(), batch.whole(), publishing)
                    : snapshot.apply(batch.index(), batch.changes(), publishing);
            step.forEach((name, change) -> {
                ConfigChange before = changed.get(name);
                changed.put(name, before == null ? change : new ConfigChange(name, before.oldValue(), change.newValue()));
            });
        }
        changed.values().removeIf(c -> c.oldValue().equals(c.newValue()));
        if (changed.isEmpty()) {
            return;
        }
        Metrics.count(Metric.CONFIG_CHANGES, attributes, changed.size());
        FlightEvents.configChanged(prefixes, revision, changed.size());
        if (listeners.isEmpty()) {
            return;
        }
        changed.replaceAll((name, c) -> new ConfigChange(name, masked(c.oldValue()), masked(c.newValue())));
        ConfigChangeEvent event = new ConfigChangeEvent(revision, changed);
        EtcdConnection.unlessClosing(LOG, "Change at revision " + revision + " not delivered",
                () -> connection.events().execute(() -> deliver(event)));
    }

    /** An encrypted value as {@value EncryptedValue#MASK}: events never carry a ciphertext or its clear text. */
    static Optional<String> masked(Optional<String> value) {
        return value.map(v -> EncryptedValue.isEncrypted(v) ? EncryptedValue.MASK : v);
    }

    private void deliver(ConfigChangeEvent event) {
        for (Consumer<ConfigChangeEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Config change listener " + listener + " failed on " + event.names(), e);
            }
        }
    }
}
