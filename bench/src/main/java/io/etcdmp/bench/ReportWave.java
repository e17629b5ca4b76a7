package io.etcdmp.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The config report wave (issue 22): {@code instances} registrations publishing their config revision, all on
 * one registry (one shared lease: on etcd 3.4.23 a put under a lease costs more with more keys on it), one config
 * change: how long until every record says the new revision, the record puts/s it made, and the p99 of a raw
 * put (a churn of one key every 20 ms) before and during the wave. Not in a full run: {@code --only=report-wave},
 * {@code -Dwave.instances} (2,000), {@code -Dwave.interval} (ms, 5,000).
 */
final class ReportWave {
    private final int instances;
    private final Duration interval;

    ReportWave(int instances, Duration interval) {
        this.instances = instances;
        this.interval = interval;
    }

    void run(String endpoint, Report report) throws Exception {
        Internals.Applied applied = new Internals.Applied(1_000);
        ByteSequence root = utf8("/services/wave/");
        try (Client raw = Client.builder().endpoints(endpoint).build();
             ServiceRegistry registry = Internals.registry(endpoint, Map.of("etcd.registry.report-interval", interval.toMillis() + "ms",
                     "etcd.registry.ttl", "30s"))) {
            long started = System.nanoTime();
            for (int i = 0; i < instances; i++) {
                Internals.registerSelf(registry, ServiceInstance.of("wave", "10.0.0.1", 10_000 + i), applied);
            }
            System.out.println("[bench] report-wave: " + instances + " registered in " + (System.nanoTime() - started) / 1_000_000 + " ms");
            AtomicLong puts = new AtomicLong();
            AtomicLong lastPut = new AtomicLong();
            try (Watch.Watcher ignored = raw.getWatchClient().watch(root, WatchOption.builder().isPrefix(true).build(), response -> {
                for (WatchEvent e : response.getEvents()) {
                    if (e.getEventType() == WatchEvent.EventType.PUT) {
                        puts.incrementAndGet();
                        lastPut.set(System.nanoTime());
                    }
                }
            })) {
                Samples before = churn(raw, Duration.ofSeconds(5), null);
                long putsBefore = puts.get();
                long changed = System.nanoTime();
                applied.change(1_001);
                Samples during = churn(raw, interval.plusSeconds(2), () -> puts.get() - putsBefore >= instances);
                long deadline = System.nanoTime() + interval.plusSeconds(60).toNanos();
                while (puts.get() - putsBefore < instances && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(50);
                }
                long written = puts.get() - putsBefore;
                double seconds = (lastPut.get() - changed) / 1e9;
                report.context("report wave: " + instances + " records on one lease, interval " + interval.toMillis() + " ms",
                        Report.fmt("%d puts in %.1f s (%.0f puts/s); churn put p99 %s during", written, seconds, written / seconds,
                                Report.ms(during.percentileMillis(99))),
                        "churn put p99 before " + Report.ms(before.percentileMillis(99)),
                        during.percentileMillis(99) / before.percentileMillis(99));
            }
        }
    }

    /** Puts one key every 20 ms for {@code length} (or until {@code done}); the latencies. */
    private static Samples churn(Client raw, Duration length, java.util.function.BooleanSupplier done) throws Exception {
        Samples samples = new Samples();
        long end = System.nanoTime() + length.toNanos();
        int i = 0;
        while (System.nanoTime() < end && (done == null || !done.getAsBoolean() || samples.size() < 50)) {
            long t = System.nanoTime();
            raw.getKVClient().put(utf8("/bench/churn"), utf8("v" + i++)).get(10, TimeUnit.SECONDS);
            samples.add(System.nanoTime() - t);
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return samples;
    }

    private static ByteSequence utf8(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
