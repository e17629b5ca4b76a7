package io.etcdmp.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The properties of the etcd config source that changed together, at one etcd revision: one event
 * per watch response (a transaction's keys arrive in one event) or per re-read after the watch was
 * lost. Fired as a CDI event and handed to every config change listener of the source.
 *
 * <p>An encrypted property ({@code ${aes-gcm-nopadding::...}}, docs/SECRETS.md) appears with the value
 * {@code (encrypted)}: an event never carries its ciphertext or its clear text; read the clear text through
 * {@code Config} when needed.
 */
public record ConfigChangeEvent(long revision, Map<String, ConfigChange> changes) {
    public ConfigChangeEvent {
        changes = Map.copyOf(changes);
    }

    /** The names of the changed properties. */
    public Set<String> names() {
        return changes.keySet();
    }

    /**
     * This event with only the changes of properties whose name starts with {@code prefix}; empty when
     * none does. {@code ""} keeps every change.
     */
    public Optional<ConfigChangeEvent> under(String prefix) {
        if (prefix.isEmpty()) {
            return Optional.of(this);
        }
        Map<String, ConfigChange> kept = new HashMap<>();
        changes.forEach((name, change) -> {
            if (name.startsWith(prefix)) {
                kept.put(name, change);
            }
        });
        if (kept.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(kept.size() == changes.size() ? this : new ConfigChangeEvent(revision, kept));
    }

    @Override
    public boolean equals(Object other) {
        return other == this || other instanceof ConfigChangeEvent that
                && revision == that.revision
                && Objects.equals(changes, that.changes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(revision, changes);
    }

    @Override
    public String toString() {
        return "ConfigChangeEvent[revision=" + revision + ", changes=" + changes + "]";
    }
}
