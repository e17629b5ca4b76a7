package io.etcdmp.config;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.StreamSupport;

/**
 * The MicroProfile {@link ConfigSource} holding the properties stored in etcd under the key prefixes of
 * {@code etcd.config.prefixes}: a property name is the key without its prefix, every {@code /} turned
 * into {@code .}. Lookups read a local snapshot and never touch the network; a watch per prefix keeps it
 * current. The library registers it with MicroProfile Config; find it with {@link #of(Config)}.
 */
public interface EtcdConfigSource extends ConfigSource, AutoCloseable {
    /** The start of every etcd config source's {@link #getName() name}. */
    String NAME = "etcd";

    /** The etcd config sources of a {@code Config} (normally one). */
    static List<EtcdConfigSource> of(Config config) {
        return StreamSupport.stream(config.getConfigSources().spliterator(), false)
                .filter(EtcdConfigSource.class::isInstance).map(EtcdConfigSource.class::cast).toList();
    }

    /**
     * Adds a listener told of every later change, in revision order, on the library's event thread, after
     * the source's values are updated. A listener's exception is logged and does not stop delivery to
     * others. Closing the returned handle removes it. (In CDI, observe {@link ConfigChangeEvent} instead.)
     */
    AutoCloseable addChangeListener(Consumer<ConfigChangeEvent> listener);

    /** True while every prefix has a live watch. */
    boolean isLive();

    /** The lowest revision the prefixes are known to be current at; while {@link #isStale()}, the cache file's. */
    long revision();

    /** True while the values come from the cache file ({@code etcd.config.cache-file}) because etcd was not read yet. */
    boolean isStale();

    /**
     * Gives back the hold of the {@code Config} this source was handed to. Configs of one class loader with equal
     * settings share one source, and CDI containers hold it while they run: the watches stop with the last of them
     * (the library releases it when the application stops). The last values stay readable.
     */
    @Override
    void close();
}
