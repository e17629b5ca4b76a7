package io.etcdmp.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcdmp.config.EtcdConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What exporting the library's metrics costs (issue 22): a lookup and a change's propagation with the metrics bound to
 * an OpenTelemetry SDK meter ({@link SdkMeter}) against no meter at all, in the same run. The lookup in two JMH forks
 * ({@link MetricsLookupBenchmark}); the propagation in one JVM, blocks of puts alternating between bound and unbound so
 * that both sides see the same machine.
 */
final class MetricsCost {
    static final String PREFIX = "/bench/metrics/";
    private static final String PROPERTY = "feature.flag";
    private static final int BLOCK = 50;

    void run(String endpoint, boolean quick, Report report) throws Exception {
        try (Client client = Client.builder().endpoints(endpoint).build()) {
            client.getKVClient().put(bytes(ConfigLookupBenchmark.PREFIX + ConfigLookupBenchmark.ETCD_PROPERTY),
                    bytes(ConfigLookupBenchmark.VALUE)).get(30, TimeUnit.SECONDS); // a cold client on a loaded machine
        }
        lookups(endpoint, quick, report);
        propagation(endpoint, quick ? 100 : 3_000, report);
    }

    private static void lookups(String endpoint, boolean quick, Report report) throws Exception {
        ChainedOptionsBuilder options = new OptionsBuilder().include(MetricsLookupBenchmark.class.getName() + "\\.")
                .forks(1).threads(1).jvmArgs("-Xms512m", "-Xmx512m", "-Detcd.endpoints=" + endpoint);
        if (quick) {
            options.warmupIterations(1).warmupTime(TimeValue.milliseconds(200))
                    .measurementIterations(2).measurementTime(TimeValue.milliseconds(200));
        } else {
            options.warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(2));
        }
        Map<String, double[]> scores = new HashMap<>();
        for (RunResult r : new Runner(options.build()).run()) {
            scores.put(r.getParams().getParam("meter"),
                    new double[] {r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
        }
        double[] bound = scores.get("bound");
        double[] absent = scores.get("absent");
        if (bound == null || absent == null) {
            throw new IllegalStateException("JMH produced " + scores.keySet() + ", expected absent and bound");
        }
        // "no cost": within 5 %, or within the two scores' error bars (JMH's 99.9 % intervals)
        boolean pass = bound[0] <= 1.05 * absent[0] || bound[0] - bound[1] <= absent[0] + absent[1];
        report.add("`Config.getValue` of an etcd property with the metrics bound to an OpenTelemetry SDK meter (JMH)",
                Report.fmt("%.1f ± %.1f ns", bound[0], bound[1]),
                Report.fmt("no meter (OpenTelemetry absent from the binding): %.1f ± %.1f ns", absent[0], absent[1]),
                bound[0] / absent[0], "≤ 1.05× (or within error)", pass);
    }

    private static void propagation(String endpoint, int putsPerSide, Report report) throws Exception {
        System.setProperty("etcd.config.prefixes", PREFIX);
        ByteSequence key = bytes(PREFIX + PROPERTY);
        Samples bound = new Samples();
        Samples absent = new Samples();
        EtcdConfigSource source = EtcdSources.start();
        try (SdkMeter meter = new SdkMeter(); Client writer = Client.builder().endpoints(endpoint).build()) {
            SmallRyeConfig config = new SmallRyeConfigBuilder().withSources(source).build();
            int blocks = 2 * Math.max(1, putsPerSide / BLOCK);
            int warmup = Math.min(200, putsPerSide / 5);
            int i = 0;
            long exported = 0;
            for (int w = 0; w < warmup; w++) {
                measure(writer, key, config, i++);
            }
            for (int b = 0; b < blocks; b++) {
                boolean on = b % 2 == 1;
                if (on) {
                    meter.bind();
                }
                for (int n = 0; n < BLOCK; n++) {
                    (on ? bound : absent).add(measure(writer, key, config, i++));
                }
                if (on) {
                    exported = meter.pointsExported(); // collected while bound: a short block may end before the 1 s reader ran
                    meter.unbind();
                }
            }
            if (exported == 0) {
                throw new IllegalStateException("the SDK meter exported nothing: the metrics were not bound");
            }
        } finally {
            source.close();
            System.clearProperty("etcd.config.prefixes");
        }
        double p99 = bound.percentileMillis(99);
        double baseP99 = absent.percentileMillis(99);
        report.add("put → visible via `Config.getValue`, p99, metrics bound to an OpenTelemetry SDK meter (collecting every "
                        + SdkMeter.INTERVAL.toSeconds() + " s; " + bound.size() + " puts, blocks of " + BLOCK
                        + " alternating with the baseline's)",
                Report.ms(p99) + " (p50 " + Report.ms(bound.medianMillis()) + ")",
                "no meter: " + Report.ms(baseP99) + " (p50 " + Report.ms(absent.medianMillis()) + ")",
                p99 / baseP99, "≤ 1.05×", p99 <= 1.05 * baseP99);
    }

    /** One put and the wait until the config source serves it; nanoseconds from before the put. */
    private static long measure(Client writer, ByteSequence key, SmallRyeConfig config, int i) {
        String expected = "v-" + i;
        long start = System.nanoTime();
        writer.getKVClient().put(key, bytes(expected));
        long deadline = start + TimeUnit.SECONDS.toNanos(5);
        while (!expected.equals(config.getOptionalValue(PROPERTY, String.class).orElse(null))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("put " + i + " not seen through Config within 5 s");
            }
            Thread.yield();
        }
        return System.nanoTime() - start;
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
