package io.etcdmp.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcdmp.config.EtcdConfigSource;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Cold etcd config source to ready (its provider returns a started source) for N keys under one
 * prefix, against a raw paginated range read of the same prefix at one revision, on the same jetcd
 * client: the benchmark holds the library's shared connection for these settings, so connecting is in
 * neither figure. Runs alternate (raw, source, raw, source, ...); medians are compared. Retained heap:
 * used heap after full GCs with the source open minus before it, against the raw key+value bytes.
 */
final class StartupLoad {
    private static final int PAGE_KEYS = 10_000;

    void run(String endpoint, int keys, int rounds, Report report) throws Exception {
        String prefix = "/bench/load" + keys + "/";
        try (Internals.HeldConnection held = Internals.holdConnection(null)) {
            KV kv = held.client().getKVClient();
            seed(kv, prefix, keys);
            System.setProperty("etcd.config.prefixes", prefix);
            long[] raw = new long[rounds];
            long[] source = new long[rounds];
            long rawBytes = 0;
            long retained = 0;
            for (int round = -1; round < rounds; round++) { // round -1 warms up both paths
                usedHeapAfterGc(); // both timings start right after a full GC
                long start = System.nanoTime();
                List<KeyValue> all = rawRead(kv, prefix);
                long rawTime = System.nanoTime() - start;
                if (all.size() != keys) {
                    throw new IllegalStateException("raw read found " + all.size() + " keys, expected " + keys);
                }
                rawBytes = all.stream().mapToLong(k -> k.getKey().size() + k.getValue().size()).sum();
                all = null;
                long before = usedHeapAfterGc();
                start = System.nanoTime();
                EtcdConfigSource loaded = startSource();
                long sourceTime = System.nanoTime() - start;
                long after = usedHeapAfterGc();
                if (loaded.getPropertyNames().size() != keys) {
                    throw new IllegalStateException("source holds " + loaded.getPropertyNames().size() + " properties");
                }
                loaded.close();
                if (round >= 0) {
                    raw[round] = rawTime;
                    source[round] = sourceTime;
                    retained = Math.max(retained, after - before);
                }
            }
            double rawMs = median(raw) / 1e6;
            double sourceMs = median(source) / 1e6;
            String label = keys >= 1000 ? (keys / 1000) + " k" : Integer.toString(keys);
            report.add("startup load of " + label + " keys, cold source → ready (median of " + rounds + ")",
                    Report.ms(sourceMs), "raw paginated read at one revision " + Report.ms(rawMs),
                    sourceMs / rawMs, "≤ 1.3×", sourceMs <= 1.3 * rawMs);
            double heapRatio = (double) retained / rawBytes;
            report.add("retained heap of the source, " + label + " keys",
                    Report.fmt("%.1f MiB", retained / 1048576.0),
                    Report.fmt("raw key+value bytes %.1f MiB", rawBytes / 1048576.0),
                    heapRatio, "≤ 3×", heapRatio <= 3.0);
        }
    }

    private EtcdConfigSource startSource() {
        return EtcdSources.start();
    }

    /** The floor: pages of 10,000 keys with the revision of the first page pinned. */
    static List<KeyValue> rawRead(KV kv, String prefix) throws Exception {
        ByteSequence from = bytes(prefix);
        ByteSequence end = bytes(prefix.substring(0, prefix.length() - 1) + (char) (prefix.charAt(prefix.length() - 1) + 1));
        List<KeyValue> all = new ArrayList<>();
        long revision = 0;
        while (true) {
            GetOption.Builder option = GetOption.builder().withRange(end).withLimit(PAGE_KEYS);
            if (revision > 0) {
                option.withRevision(revision);
            }
            GetResponse page = kv.get(from, option.build()).get(30, TimeUnit.SECONDS);
            if (revision == 0) {
                revision = page.getHeader().getRevision();
            }
            all.addAll(page.getKvs());
            if (!page.isMore() || page.getKvs().isEmpty()) {
                return all;
            }
            ByteSequence last = page.getKvs().get(page.getKvs().size() - 1).getKey();
            from = last.concat(ByteSequence.from(new byte[] {0}));
        }
    }

    /** Keys like {@code <prefix>service-042/setting.00042}, values ~25 bytes: typical config entries. */
    static void seed(KV kv, String prefix, int keys) throws Exception {
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        for (int i = 0; i < keys; i += 100) {
            List<Op> ops = new ArrayList<>();
            for (int j = i; j < Math.min(keys, i + 100); j++) {
                String key = prefix + String.format("service-%03d/setting.%05d", j % 1000, j);
                String value = String.format("value-%d-%08x", j, j * 2654435761L & 0xffffffffL);
                ops.add(Op.put(bytes(key), bytes(value), PutOption.DEFAULT));
            }
            inFlight.add(kv.txn().Then(ops.toArray(Op[]::new)).commit());
            if (inFlight.size() >= 16) {
                for (CompletableFuture<?> f : inFlight) {
                    f.get(30, TimeUnit.SECONDS);
                }
                inFlight.clear();
            }
        }
        for (CompletableFuture<?> f : inFlight) {
            f.get(30, TimeUnit.SECONDS);
        }
    }

    static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    static long median(long[] values) {
        long[] sorted = Arrays.copyOf(values, values.length);
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
