package io.etcdmp.config;

import java.util.Map;
import java.util.Set;

/**
 * The properties of the etcd config source that changed together, at one etcd revision: one event
 * per watch response (a transaction's keys arrive in one event) or per re-read after the watch was
 * lost. Fired as a CDI event and handed to every {@link ConfigChangeListener}.
 */
public record ConfigChangeEvent(long revision, Map<String, ConfigChange> changes) {
    public ConfigChangeEvent {
        changes = Map.copyOf(changes);
    }

    /** The names of the changed properties. */
    public Set<String> names() {
        return changes.keySet();
    }
}
