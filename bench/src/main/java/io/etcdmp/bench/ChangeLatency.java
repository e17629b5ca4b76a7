package io.etcdmp.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcdmp.config.EtcdConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * put → new value visible through {@code Config.getValue}, against a raw jetcd watch on the same key in
 * the same JVM. Every put is seen by both; one polling loop notices both, so both sides pay the same
 * polling delay. Times are from just before the put is sent.
 */
final class ChangeLatency {
    static final String PREFIX = "/bench/live/";
    private static final String PROPERTY = "feature.flag";

    /**
     * What the library may add to a change, per put, over a raw watch in the same JVM: its own work is one map update
     * (microseconds), so the typical difference (p50) is bounded tight and the p99, which the machine's scheduling
     * decides for both sides, loosely.
     */
    static final double BEHIND_P50_MS = 0.5;
    static final double BEHIND_P99_MS = 5.0;

    static String behindBar() {
        return "p50 ≤ " + BEHIND_P50_MS + " ms, p99 ≤ " + BEHIND_P99_MS + " ms";
    }

    static boolean behindPasses(Samples behind) {
        return behind.percentileMillis(50) <= BEHIND_P50_MS && behind.percentileMillis(99) <= BEHIND_P99_MS;
    }

    private volatile int rawSeen = -1;

    void run(String endpoint, int puts, Report report) throws Exception {
        System.setProperty("etcd.config.prefixes", PREFIX);
        ByteSequence key = ByteSequence.from(PREFIX + PROPERTY, StandardCharsets.UTF_8);
        Samples viaConfig = new Samples();
        Samples viaRawWatch = new Samples();
        Samples behindRaw = new Samples(); // per put: library saw − raw watch saw (may be negative)
        EtcdConfigSource source = EtcdSources.start();
        try (Client writer = Client.builder().endpoints(endpoint).build();
             Client watcher = Client.builder().endpoints(endpoint).build();
             Watch.Watcher watch = watcher.getWatchClient().watch(key, WatchOption.builder().build(), response -> {
                 for (WatchEvent event : response.getEvents()) {
                     String v = event.getKeyValue().getValue().toString(StandardCharsets.UTF_8);
                     rawSeen = Integer.parseInt(v.substring(v.indexOf('-') + 1));
                 }
             })) {
            SmallRyeConfig config = new SmallRyeConfigBuilder().withSources(source).build();
            writer.getKVClient().put(key, value(-1)).get(5, TimeUnit.SECONDS);
            long warmup = Math.min(200, puts / 5);
            for (int i = 0; i < puts + warmup; i++) {
                String expected = "v-" + i;
                long start = System.nanoTime();
                writer.getKVClient().put(key, value(i));
                long configAt = 0;
                long rawAt = 0;
                long deadline = start + TimeUnit.SECONDS.toNanos(5);
                while (configAt == 0 || rawAt == 0) {
                    long now = System.nanoTime();
                    if (rawAt == 0 && rawSeen >= i) {
                        rawAt = now;
                    }
                    if (configAt == 0 && expected.equals(config.getOptionalValue(PROPERTY, String.class).orElse(null))) {
                        configAt = now;
                    }
                    if (now > deadline) {
                        throw new IllegalStateException("put " + i + " not seen within 5 s (config: " + (configAt != 0)
                                + ", raw watch: " + (rawAt != 0) + ")");
                    }
                    Thread.yield();
                }
                if (i >= warmup) {
                    viaConfig.add(configAt - start);
                    viaRawWatch.add(rawAt - start);
                    behindRaw.add(configAt - rawAt);
                }
            }
        } finally {
            source.close();
        }
        double p99 = viaConfig.percentileMillis(99);
        double rawP99 = viaRawWatch.percentileMillis(99);
        report.context("put → visible via `Config.getValue`, p50 (" + viaConfig.size() + " puts)",
                Report.ms(viaConfig.medianMillis()), "raw jetcd watch " + Report.ms(viaRawWatch.medianMillis()),
                viaConfig.medianMillis() / viaRawWatch.medianMillis());
        report.add("put → visible via `Config.getValue`, p99 (" + viaConfig.size() + " puts)",
                Report.ms(p99), "raw jetcd watch " + Report.ms(rawP99), p99 / rawP99, "p99 ≤ 1.2×", p99 <= 1.2 * rawP99);
        // the ratios above time both sides from before the put, so etcd's commit dominates them; the library's own
        // delay is what it adds after a watch of its own could have seen the change: per put, same key, same loop
        double behindP50 = behindRaw.percentileMillis(50);
        double behindP99 = behindRaw.percentileMillis(99);
        report.add("put → visible via `Config.getValue` minus the raw watch's sight of the same put, p50 / p99 ("
                        + behindRaw.size() + " puts)", Report.ms(behindP50) + " / " + Report.ms(behindP99), "–", Double.NaN,
                behindBar(), behindPasses(behindRaw));
    }

    private static ByteSequence value(int i) {
        return ByteSequence.from("v-" + i, StandardCharsets.UTF_8);
    }
}
