package io.etcdmp.bench;

import io.etcd.jetcd.Client;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.eclipse.microprofile.config.spi.ConfigSource;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code Config.getValue} through SmallRye Config, one {@code Config} holding three sources:
 * <ul>
 * <li>the etcd source at its default ordinal 250, created by its provider as a runtime does, reading
 *     the default two prefixes ({@code /config/application/} then {@code /config/bench/}); the property
 *     is in the first one, so a lookup also misses in the second;</li>
 * <li>an in-memory properties source, above or below it ({@link #etcdPosition});</li>
 * <li>a source doing one etcd get per lookup at ordinal 50 (the older MicroProfile etcd source).</li>
 * </ul>
 * The etcd endpoint and the seeded keys come from {@link BenchMain} through system properties.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ConfigLookupBenchmark {
    static final String PREFIX = "/config/application/";
    static final String REMOTE_PREFIX = "/bench/remote/";
    static final String ETCD_PROPERTY = "orders.db.url";
    /** In the same prefix, its value {@code ${aes-gcm-nopadding::...}} of {@link #VALUE} with {@link #KEY}. */
    static final String ENCRYPTED_PROPERTY = "orders.db.url-encrypted";
    static final String KEY = "bench-encryption-key";
    static final String MEMORY_PROPERTY = "orders.db.url-in-memory";
    static final String REMOTE_PROPERTY = "orders.db.url-remote";
    static final String VALUE = "jdbc:postgresql://db.internal:5432/orders";

    private final List<AutoCloseable> open = new ArrayList<>();
    private SmallRyeConfig config;

    /**
     * Where the etcd source sits: {@code first} (ordinal 250, the in-memory source below it at 100) or
     * {@code second} (the in-memory source above it at 300). SmallRye Config answers a property found in
     * its first source much sooner than one found after a miss, whatever the sources are, so the etcd
     * source is compared with the in-memory one at the same position: etcd first against in-memory first.
     */
    @Param({"first", "second"})
    public String etcdPosition;

    @Setup(Level.Trial)
    public void setUp() {
        System.clearProperty("etcd.config.prefixes");
        System.setProperty("mp.app.name", "bench");
        System.setProperty("smallrye.config.secret-handler.aes-gcm-nopadding.encryption-key", KEY);
        List<ConfigSource> sources = new ArrayList<>(List.of(EtcdSources.start()));
        sources.forEach(s -> open.add((AutoCloseable) s));
        Client client = Client.builder().endpoints(System.getProperty("etcd.endpoints")).build();
        open.add(client);
        int memoryOrdinal = etcdPosition.equals("first") ? 100 : 300;
        sources.add(new PropertiesConfigSource(Map.of(MEMORY_PROPERTY, VALUE), "in-memory", memoryOrdinal));
        sources.add(new RemoteGetConfigSource(client, REMOTE_PREFIX, 50));
        config = new SmallRyeConfigBuilder().withSources(sources.toArray(ConfigSource[]::new)).build();
        for (String name : List.of(ETCD_PROPERTY, ENCRYPTED_PROPERTY, MEMORY_PROPERTY, REMOTE_PROPERTY)) {
            if (!VALUE.equals(config.getValue(name, String.class))) {
                throw new IllegalStateException(name + " does not hold the seeded value");
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Benchmark
    public String etcdSource() {
        return config.getValue(ETCD_PROPERTY, String.class);
    }

    /** An encrypted property of the etcd source: decrypted at its first lookup, then kept until it changes. */
    @Benchmark
    public String etcdEncryptedSource() {
        return config.getValue(ENCRYPTED_PROPERTY, String.class);
    }

    @Benchmark
    public String inMemorySource() {
        return config.getValue(MEMORY_PROPERTY, String.class);
    }

    @Benchmark
    public String remoteGetPerLookup() {
        return config.getValue(REMOTE_PROPERTY, String.class);
    }
}
