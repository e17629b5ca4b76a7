package io.etcdmp.internal.watch;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The prefix mirror's paginated read, opened for {@code io.etcdmp.internal.cli} (the seam of the
 * {@code etcdmp} tool) and nothing else: pages sized by bytes, the revision pinned.
 */
public final class CliAccess {
    private CliAccess() {
    }

    /**
     * Hands every key under {@code prefix} at {@code revision} (0: the current one) to {@code sink}, page by
     * page in key order; returns the revision read at.
     */
    public static long readPrefix(KV kv, Duration timeout, ByteSequence prefix, long revision,
                                  Consumer<List<KeyValue>> sink) throws Exception {
        return new RangeReader(kv, timeout).read(prefix, KeyRanges.prefixEnd(prefix), revision, sink);
    }
}
