package io.etcdmp.internal.config;


import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.client.NettyThreadState;
import io.etcdmp.internal.client.OptionalApis;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSourceProvider;

import java.lang.System.Logger.Level;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Registered through {@code META-INF/services}: every MicroProfile Config implementation (SmallRye,
 * Helidon's, Payara's) calls it while building a {@code Config}. Its settings come from system
 * properties, the environment and {@code microprofile-config.properties} ({@link BootstrapProperties}),
 * never from the {@code Config} being built. During a Quarkus build it returns no source ({@link QuarkusBuild}).
 *
 * <p>Configs built with the same settings and prefixes by one copy of the library share one source, so one snapshot
 * and one watch per prefix (Open Liberty builds two Configs per application with MicroProfile Fault Tolerance);
 * who holds a shared source open: {@link SourceUsers}.
 */
public final class EtcdConfigSourceProvider implements ConfigSourceProvider {
    private static final System.Logger LOG = System.getLogger(EtcdConfigSourceProvider.class.getName());

    /** The sources handed out, by class loader and settings; a closed one is replaced when it is asked for again. */
    private static final Map<SourceKey, PrefixConfigSource> SHARED = new HashMap<>();

    /**
     * The library's own class loader (one per deployment that carries the library: two WARs never share) compared by
     * identity, and the settings by value (endpoints, credentials, prefixes, ordinal, ...). Not the class loader a
     * Config is built for: Open Liberty builds the second Config of an application with MicroProfile Fault Tolerance
     * for another class loader of the same application.
     */
    private record SourceKey(ClassLoader loader, EtcdSettings etcd, ConfigSourceSettings settings) {
        @Override
        public boolean equals(Object other) {
            return other == this || other instanceof SourceKey that
                    && Objects.equals(loader, that.loader)
                    && Objects.equals(etcd, that.etcd)
                    && Objects.equals(settings, that.settings);
        }

        @Override
        public int hashCode() {
            return Objects.hash(loader, etcd, settings);
        }

        @Override
        public String toString() {
            return "SourceKey[loader=" + String.valueOf(loader)
                    + ", etcd=" + String.valueOf(etcd)
                    + ", settings=" + String.valueOf(settings) + "]";
        }
    }

    private static final ClassLoader LIBRARY = EtcdConfigSourceProvider.class.getClassLoader();

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
        try {
            return List.of(shared(new SourceKey(LIBRARY, etcd, settings)));
        } finally {
            NettyThreadState.release();
        }
    }

    /** The open source for {@code key}, or a new one, started; never holds {@link #SHARED}'s lock while a source starts. */
    private static PrefixConfigSource shared(SourceKey key) {
        while (true) {
            StartFailure recent = lastFailure;
            if (recent != null && recent.isFor(key)) {
                // the runtime builds the Config again within the same start (SmallRye's CDI extension, then ours):
                // the start timeout bounds the whole start, so the failure is not waited for twice
                throw new EtcdMicroprofileException(recent.failure.getMessage(), recent.failure);
            }
            PrefixConfigSource candidate = newSource(key.settings(), key.etcd());
            candidate.share();
            PrefixConfigSource found;
            synchronized (SHARED) {
                found = SHARED.putIfAbsent(key, candidate);
            }
            if (found == null) {
                return start(key, candidate);
            }
            if (found.share()) { // waits while the source starts in another thread
                LOG.log(Level.DEBUG, "Sharing {0} with another Config of the same class loader", found);
                return found;
            }
            synchronized (SHARED) {
                SHARED.remove(key, found); // closed: replaced by a new one
            }
        }
    }

    private static PrefixConfigSource start(SourceKey key, PrefixConfigSource source) {
        try {
            source.start();
        } catch (RuntimeException e) {
            synchronized (SHARED) {
                SHARED.remove(key, source);
            }
            if (e instanceof EtcdMicroprofileException failure) {
                lastFailure = new StartFailure(new WeakReference<>(key.loader()), key.etcd(), key.settings(), failure,
                        System.nanoTime() + key.settings().startTimeout().toNanos());
            }
            throw e;
        }
        lastFailure = null;
        return source;
    }

    /** The source closed (its last user is gone): a Config asking for one again gets a new one. */
    static void forget(PrefixConfigSource source) {
        synchronized (SHARED) {
            SHARED.values().remove(source);
        }
    }

    /** A source for these settings, not started: the SmallRye-aware one where SmallRye Config can be used, else the plain one. */
    static PrefixConfigSource newSource(ConfigSourceSettings settings, EtcdSettings etcd) {
        PrefixConfigSource smallRye = null;
        if (OptionalApis.SMALLRYE_CONFIG) {
            try {
                smallRye = SmallRyeEtcdConfigSource.createOrNull(settings, etcd);
            } catch (LinkageError e) {
                LOG.log(Level.DEBUG, "SmallRye Config is visible but cannot be linked here; using the plain config source", e);
            }
        }
        return smallRye != null ? smallRye : new PrefixConfigSource(settings, etcd);
    }

    /** The last required start that failed; a new Config for the same loader and settings fails with it until it expires. */
    private static volatile StartFailure lastFailure;

    private record StartFailure(WeakReference<ClassLoader> loader, EtcdSettings etcd, ConfigSourceSettings settings,
                                EtcdMicroprofileException failure, long expiresNanos) {
        boolean isFor(SourceKey key) {
            return System.nanoTime() < expiresNanos && loader.get() == key.loader() && etcd.equals(key.etcd())
                    && settings.equals(key.settings());
        }

        @Override
        public boolean equals(Object other) {
            return other == this || other instanceof StartFailure that
                    && Objects.equals(loader, that.loader)
                    && Objects.equals(etcd, that.etcd)
                    && Objects.equals(settings, that.settings)
                    && Objects.equals(failure, that.failure)
                    && expiresNanos == that.expiresNanos;
        }

        @Override
        public int hashCode() {
            return Objects.hash(loader, etcd, settings, failure, expiresNanos);
        }

        @Override
        public String toString() {
            return "StartFailure[loader=" + String.valueOf(loader)
                    + ", etcd=" + String.valueOf(etcd)
                    + ", settings=" + String.valueOf(settings)
                    + ", failure=" + String.valueOf(failure)
                    + ", expiresNanos=" + expiresNanos + "]";
        }
    }
}
