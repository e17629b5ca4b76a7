package io.etcdmp.bench;

import io.etcdmp.config.EtcdConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSourceProvider;

import java.util.ServiceLoader;

/**
 * Starts the library's config source the way a MicroProfile Config implementation does: the
 * {@link ConfigSourceProvider}s registered in {@code META-INF/services}, asked for their sources; the
 * settings come from system properties, as they do for an application.
 */
final class EtcdSources {
    private EtcdSources() {
    }

    /** A new etcd config source, ready (read from etcd, or from the cache file); the caller closes it. */
    static EtcdConfigSource start() {
        ClassLoader loader = EtcdSources.class.getClassLoader();
        for (ConfigSourceProvider provider : ServiceLoader.load(ConfigSourceProvider.class, loader)) {
            for (ConfigSource source : provider.getConfigSources(loader)) {
                if (source instanceof EtcdConfigSource etcd) {
                    return etcd;
                }
            }
        }
        throw new IllegalStateException("no ConfigSourceProvider in META-INF/services gave an EtcdConfigSource: is the"
                + " library (with its resources) on the class path?");
    }
}
