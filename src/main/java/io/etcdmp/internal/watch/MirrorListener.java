package io.etcdmp.internal.watch;

import io.etcd.jetcd.KeyValue;

import java.util.List;

/** Receives the changes of one revision (from the watch) or of one re-read (a diff). */
@FunctionalInterface
public interface MirrorListener {
    /** Called in revision order, one call at a time, with no lock of the mirror held; must be quick. */
    void onChanges(List<KeyChange> changes, long revision);

    /** etcd sent a progress notification at {@code revision} (see {@link PrefixMirror#requestProgress()}). Called like {@link #onChanges}. */
    default void onProgress(long revision) {
    }

    /** A read or watch response without changes: nothing of the prefix up to {@code revision} is missing. */
    default void onCaughtUp(long revision) {
        onProgress(revision);
    }

    /**
     * A listener that holds every key of the prefix itself (large prefixes: the mirror then keeps nothing
     * per key). Watch events arrive through {@link #onChanges}; each read of the whole prefix (the first
     * load, and every re-read after a lost watch) through {@link #onReset}, and the listener works out the
     * difference from what it holds.
     */
    interface Content extends MirrorListener {
        /** Every key under the prefix at {@code revision}: keys the listener holds and this lacks were deleted. */
        void onReset(List<KeyValue> all, long revision);
    }
}
