package io.etcdmp.internal.config;


import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.client.NettyThreadState;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSourceProvider;

import java.lang.System.Logger.Level;
import java.lang.ref.WeakReference;
import java.util.List;

/**
 * Registered through {@code META-INF/services}: every MicroProfile Config implementation (SmallRye,
 * Helidon's, Payara's) calls it while building a {@code Config}. Its settings come from system
 * properties, the environment and {@code microprofile-config.properties} ({@link BootstrapProperties}),
 * never from the {@code Config} being built. During a Quarkus build it returns no source ({@link QuarkusBuild}).
 */
public final class EtcdConfigSourceProvider implements ConfigSourceProvider {
    private static final System.Logger LOG = System.getLogger(EtcdConfigSourceProvider.class.getName());

    @Override
    public Iterable<ConfigSource> getConfigSources(ClassLoader forClassLoader) {
        if (QuarkusBuild.isRunning()) {
            LOG.log(Level.INFO, "Quarkus build: no etcd config source now, etcd is read when the application starts");
            return List.of();
        }
        BootstrapProperties bootstrap = BootstrapProperties.forClassLoader(forClassLoader);
        ConfigSourceSettings settings = ConfigSourceSettings.from(bootstrap);
        if (!settings.enabled()) {
            LOG.log(Level.INFO, "etcd config source is off ({0}=false)", ConfigSourceSettings.ENABLED);
            return List.of();
        }
        EtcdSettings etcd = EtcdSettings.from(bootstrap);
        StartFailure recent = lastFailure;
        if (recent != null && recent.isFor(forClassLoader, etcd, settings)) {
            // the runtime builds the Config again within the same start (SmallRye's CDI extension, then ours):
            // the start timeout bounds the whole start, so the failure is not waited for twice
            throw new EtcdMicroprofileException(recent.failure.getMessage(), recent.failure);
        }
        PrefixConfigSource source = PrefixConfigSource.create(settings, etcd);
        try {
            source.start();
        } catch (EtcdMicroprofileException e) {
            lastFailure = new StartFailure(new WeakReference<>(forClassLoader), etcd, settings.prefixes(), e,
                    System.nanoTime() + settings.startTimeout().toNanos());
            throw e;
        } finally {
            NettyThreadState.release();
        }
        lastFailure = null;
        return List.of(source);
    }

    /** The last required start that failed; a new Config for the same loader and settings fails with it until it expires. */
    private static volatile StartFailure lastFailure;

    private record StartFailure(WeakReference<ClassLoader> loader, EtcdSettings etcd, List<String> prefixes,
                                EtcdMicroprofileException failure, long expiresNanos) {
        boolean isFor(ClassLoader other, EtcdSettings etcdSettings, ConfigSourceSettings settings) {
            return System.nanoTime() < expiresNanos && loader.get() == other && etcd.equals(etcdSettings)
                    && prefixes.equals(settings.prefixes());
        }
    }
}
