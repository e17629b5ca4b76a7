package io.etcdmp.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcdmp.config.EtcdConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What writing the cache file costs the changes: put → visible via {@code Config.getValue} over a burst of
 * back-to-back changes, in a prefix of N properties (each cache write holds all of them), with
 * {@code etcd.config.cache-file} set and without it, in alternating passes; p99 compared.
 */
final class CacheWriteLatency {
    private static final String PROPERTY = "feature.flag";

    void run(String endpoint, int keys, int changes, Report report) throws Exception {
        String prefix = "/bench/cachewrite" + keys + "/";
        try (Client writer = Client.builder().endpoints(endpoint).build()) {
            StartupLoad.seed(writer.getKVClient(), prefix, keys);
        }
        Path dir = Files.createTempDirectory("etcdmp-bench-cachewrite");
        Path file = dir.resolve("config.cache");
        Samples without = new Samples();
        Samples with = new Samples();
        int passes = 4;
        long writes = 0;
        try {
            for (int pass = 0; pass < passes; pass++) {
                burst(endpoint, prefix, changes / passes, null, without);
                writes += burst(endpoint, prefix, changes / passes, file, with);
            }
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
        double p99 = with.percentileMillis(99);
        double baseP99 = without.percentileMillis(99);
        report.add("put → visible via `Config.getValue` while the cache file is written, p99 (burst of " + with.size()
                        + " changes, " + keys / 1000 + " k properties in the file)", Report.ms(p99),
                "no cache file " + Report.ms(baseP99), p99 / baseP99, "p99 ≤ 1.1×", p99 <= 1.1 * baseP99);
        report.note(Report.fmt("cache file during the bursts: p50 %.3f ms (without: %.3f ms); the file was replaced about %d"
                + " times for %d changes (at most one write per 200 ms, and no more than ~5 %% of a core)", with.medianMillis(), without.medianMillis(), writes,
                with.size()));
    }

    /** One pass of back-to-back puts; returns how many times the file was replaced (0 without a file). */
    private long burst(String endpoint, String prefix, int puts, Path file, Samples samples) throws Exception {
        System.setProperty("etcd.config.prefixes", prefix);
        if (file != null) {
            System.setProperty("etcd.config.cache-file", file.toString());
        } else {
            System.clearProperty("etcd.config.cache-file");
        }
        EtcdConfigSource source = EtcdSources.start();
        long replaced = 0;
        ByteSequence key = ByteSequence.from(prefix + PROPERTY, StandardCharsets.UTF_8);
        try (Client writer = Client.builder().endpoints(endpoint).build()) {
            SmallRyeConfig config = new SmallRyeConfigBuilder().withSources(source).build();
            int warmup = Math.min(50, puts / 5);
            Object lastFile = null;
            for (int i = 0; i < puts + warmup; i++) {
                String expected = "c-" + System.nanoTime();
                long start = System.nanoTime();
                writer.getKVClient().put(key, ByteSequence.from(expected, StandardCharsets.UTF_8));
                long deadline = start + TimeUnit.SECONDS.toNanos(5);
                while (!expected.equals(config.getOptionalValue(PROPERTY, String.class).orElse(null))) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("change " + i + " not seen within 5 s");
                    }
                    Thread.yield();
                }
                long visible = System.nanoTime() - start;
                if (i >= warmup) {
                    samples.add(visible);
                }
                if (file != null && Files.exists(file)) {
                    Object now = Files.getLastModifiedTime(file);
                    if (!now.equals(lastFile)) {
                        replaced++;
                        lastFile = now;
                    }
                }
            }
        } finally {
            source.close();
            System.clearProperty("etcd.config.cache-file");
        }
        return replaced;
    }
}
