package io.etcdmp.internal.config;

import io.etcdmp.config.ConfigChange;
import io.etcdmp.internal.watch.KeyChange;
import io.etcdmp.internal.watch.MirrorListener;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * {@code ConfigStore.watchConfig}'s listener on its key's mirror: turns the key's changes into {@link ConfigChange}s for
 * the caller's listener, on {@code events}. The start's read only records the current value; it is not reported.
 */
final class KeyChangeReporter implements MirrorListener {
    private final String name;
    private final Consumer<ConfigChange> listener;
    private final Executor events;
    private String last; // the mirror makes its calls one at a time, in order
    private volatile boolean started;

    KeyChangeReporter(String name, Consumer<ConfigChange> listener, Executor events) {
        this.name = name;
        this.listener = listener;
        this.events = events;
    }

    /** From now on changes are reported: call after the mirror's first read and before its watch opens. */
    void start() {
        started = true;
    }

    /** One {@link ConfigChange} per change of value, in order: a batch may hold several revisions of the key. */
    @Override
    public void onChanges(List<KeyChange> changes, long revision) {
        for (KeyChange each : changes) {
            String now = each.isDelete() ? null : KeyNames.decode(each.value());
            String before = last;
            last = now;
            if (started && !Objects.equals(before, now)) {
                ConfigChange change = new ConfigChange(name, ChangeEvents.masked(Optional.ofNullable(before)),
                        ChangeEvents.masked(Optional.ofNullable(now)));
                try {
                    events.execute(() -> listener.accept(change));
                } catch (RejectedExecutionException closing) {
                    return; // the connection is closing: the watch ends with it
                }
            }
        }
    }
}
