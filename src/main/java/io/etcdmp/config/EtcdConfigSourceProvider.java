package io.etcdmp.config;

import io.etcdmp.client.EtcdSettings;
import io.etcdmp.client.NettyThreadState;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSourceProvider;

import java.lang.System.Logger.Level;
import java.util.List;

/**
 * Registered through {@code META-INF/services}: every MicroProfile Config implementation (SmallRye,
 * Helidon's, Payara's) calls it while building a {@code Config}. Its settings come from system
 * properties, the environment and {@code microprofile-config.properties} ({@link BootstrapProperties}),
 * never from the {@code Config} being built.
 */
public final class EtcdConfigSourceProvider implements ConfigSourceProvider {
    private static final System.Logger LOG = System.getLogger(EtcdConfigSourceProvider.class.getName());

    @Override
    public Iterable<ConfigSource> getConfigSources(ClassLoader forClassLoader) {
        BootstrapProperties bootstrap = BootstrapProperties.forClassLoader(forClassLoader);
        ConfigSourceSettings settings = ConfigSourceSettings.from(bootstrap);
        if (!settings.enabled()) {
            LOG.log(Level.INFO, "etcd config source is off ({0}=false)", ConfigSourceSettings.ENABLED);
            return List.of();
        }
        EtcdConfigSource source = EtcdConfigSource.create(settings, EtcdSettings.from(bootstrap));
        try {
            source.start();
        } finally {
            NettyThreadState.release();
        }
        return List.of(source);
    }
}
