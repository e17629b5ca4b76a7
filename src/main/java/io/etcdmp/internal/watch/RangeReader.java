package io.etcdmp.internal.watch;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcdmp.internal.client.EtcdCalls;
import io.etcdmp.internal.client.EtcdFailures;
import io.grpc.Status;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads every key under a prefix at one revision, page by page with the revision pinned, so a large
 * prefix loads with bounded memory per request and nothing written after the revision leaks in.
 * Pages are sized by bytes: the first page takes up to {@link #FIRST_PAGE_KEYS} keys (so a typical
 * config prefix loads in one request), later ones aim at {@link #TARGET_PAGE_BYTES}. A page too large
 * for the client (RESOURCE_EXHAUSTED: huge values) is asked again with a tenth of the keys.
 */
final class RangeReader {
    static final long TARGET_PAGE_BYTES = 2L * 1024 * 1024;
    static final int FIRST_PAGE_KEYS = 10_000;
    static final int MAX_PAGE_KEYS = 50_000;

    private final KV kv;
    private final Duration timeout;
    private final long firstPageKeys;
    private final long targetPageBytes;

    RangeReader(KV kv, Duration timeout) {
        this(kv, timeout, FIRST_PAGE_KEYS, TARGET_PAGE_BYTES);
    }

    RangeReader(KV kv, Duration timeout, long firstPageKeys, long targetPageBytes) {
        this.kv = kv;
        this.timeout = timeout;
        this.firstPageKeys = firstPageKeys;
        this.targetPageBytes = targetPageBytes;
    }

    /** Pages read so far (for tests). */
    int pages;

    /**
     * Hands every key-value in [{@code from}, {@code end}) to {@code sink}, page by page, in key order.
     *
     * @param revision the revision to read at, or 0 for the current one
     * @return the revision the whole prefix was read at
     */
    long read(ByteSequence start, ByteSequence end, long revision, Consumer<List<KeyValue>> sink) throws Exception {
        return read(start, end, revision, sink, timeout);
    }

    /** {@link #read(ByteSequence, ByteSequence, long, Consumer)} with each page bounded by {@code pageTimeout}. */
    long read(ByteSequence start, ByteSequence end, long revision, Consumer<List<KeyValue>> sink, Duration pageTimeout)
            throws Exception {
        ByteSequence from = start;
        long pinned = revision;
        long limit = firstPageKeys;
        while (true) {
            GetOption.Builder option = GetOption.builder().withRange(end).withLimit(limit);
            if (pinned > 0) {
                option.withRevision(pinned);
            }
            GetResponse page;
            try {
                page = get(from, option.build(), pageTimeout);
            } catch (Exception e) {
                if (limit > 1 && tooLarge(e)) {
                    limit = Math.max(1, limit / 10);
                    continue;
                }
                throw e;
            }
            pages++;
            if (pinned == 0) {
                pinned = page.getHeader().getRevision();
            }
            List<KeyValue> kvs = page.getKvs();
            sink.accept(kvs);
            if (!page.isMore() || kvs.isEmpty()) {
                return pinned;
            }
            long bytes = 0;
            for (KeyValue kvp : kvs) {
                bytes += kvp.getKey().size() + kvp.getValue().size();
            }
            KeyValue last = kvs.get(kvs.size() - 1);
            long average = Math.max(1, bytes / kvs.size());
            limit = Math.max(1, Math.min(MAX_PAGE_KEYS, targetPageBytes / average));
            from = KeyRanges.successor(last.getKey());
        }
    }

    private static boolean tooLarge(Throwable e) {
        return EtcdFailures.hasCause(e, Status.Code.RESOURCE_EXHAUSTED, null);
    }

    private GetResponse get(ByteSequence from, GetOption option, Duration timeout) throws Exception {
        return EtcdCalls.await("range", kv.get(from, option), timeout);
    }
}
