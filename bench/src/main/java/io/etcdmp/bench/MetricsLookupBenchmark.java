package io.etcdmp.bench;

import io.etcdmp.config.EtcdConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * {@code Config.getValue} of an etcd property (the etcd source alone in the {@code Config}) with the library's metrics
 * bound to an OpenTelemetry SDK meter ({@link SdkMeter}, collecting every second) and without any meter: lookups are
 * not instrumented, so the two must not differ beyond noise. Same seeded key as {@link ConfigLookupBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MetricsLookupBenchmark {
    @Param({"absent", "bound"})
    public String meter;

    private SdkMeter sdkMeter;
    private EtcdConfigSource source;
    private SmallRyeConfig config;

    @Setup(Level.Trial)
    public void setUp() {
        System.clearProperty("etcd.config.prefixes");
        System.setProperty("mp.app.name", "bench");
        if (meter.equals("bound")) {
            sdkMeter = new SdkMeter();
            sdkMeter.bind();
        }
        source = EtcdSources.start();
        config = new SmallRyeConfigBuilder().withSources(source).build();
        if (!ConfigLookupBenchmark.VALUE.equals(config.getValue(ConfigLookupBenchmark.ETCD_PROPERTY, String.class))) {
            throw new IllegalStateException(ConfigLookupBenchmark.ETCD_PROPERTY + " does not hold the seeded value");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (sdkMeter != null && sdkMeter.pointsExported() == 0) {
            throw new IllegalStateException("the SDK meter exported nothing: the metrics were not bound");
        }
        source.close();
        if (sdkMeter != null) {
            sdkMeter.close();
        }
    }

    @Benchmark
    public String etcdSource() {
        return config.getValue(ConfigLookupBenchmark.ETCD_PROPERTY, String.class);
    }
}
