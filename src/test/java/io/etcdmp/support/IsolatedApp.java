package io.etcdmp.support;

import jakarta.enterprise.inject.spi.Extension;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;

import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * One of several Weld SE containers alive at once in this JVM, as in an application server with several
 * deployments or in parallel weld-junit test classes: its own container id, started with {@code loader} as the
 * context class loader (so MicroProfile Config builds and keeps a Config for that loader, as it does for a
 * deployment) and with {@code properties} set as system properties while it starts. Closing it stops the
 * container; the Config kept for the loader stays until {@link #releaseConfig(ClassLoader)}.
 */
public final class IsolatedApp implements AutoCloseable {
    private final WeldContainer container;
    private final ClassLoader loader;

    private IsolatedApp(String id, ClassLoader loader, Map<String, String> properties) {
        this.loader = loader;
        Map<String, String> previous = new HashMap<>();
        properties.forEach((k, v) -> previous.put(k, System.setProperty(k, v)));
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            Weld weld = new Weld(id).disableDiscovery().addBeanClass(CdiApp.Anchor.class);
            ServiceLoader.load(Extension.class, CdiApp.class.getClassLoader()).forEach(weld::addExtension);
            container = weld.initialize();
        } finally {
            thread.setContextClassLoader(before);
            previous.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
    }

    public static IsolatedApp start(String id, ClassLoader loader, Map<String, String> properties) {
        return new IsolatedApp(id, loader, properties);
    }

    public WeldContainer container() {
        return container;
    }

    /** The Config MicroProfile Config keeps for this container's class loader. */
    public Config config() {
        return ConfigProviderResolver.instance().getConfig(loader);
    }

    /** Runs {@code action} with this container's class loader as the context class loader, as its requests would. */
    public <T> T inContext(java.util.function.Supplier<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return action.get();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    @Override
    public void close() {
        if (container.isRunning()) {
            inContext(() -> {
                container.shutdown();
                return null;
            });
        }
    }

    /** Closes the etcd sources of the Config kept for {@code loader} and releases it. */
    public static void releaseConfig(ClassLoader loader) {
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        Config config = resolver.getConfig(loader);
        io.etcdmp.config.EtcdConfigSource.of(config).forEach(io.etcdmp.config.EtcdConfigSource::close);
        resolver.releaseConfig(config);
    }
}
