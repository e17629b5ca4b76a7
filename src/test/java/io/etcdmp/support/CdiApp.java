package io.etcdmp.support;

import io.etcdmp.cdi.EtcdExtension;
import io.etcdmp.config.EtcdConfigSource;
import jakarta.enterprise.inject.spi.Extension;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.jboss.weld.lite.extension.translator.LiteExtensionTranslator;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * A real CDI application for a test: Weld SE with SmallRye Config and this library's extension (both
 * found through ServiceLoader, as in a runtime), configured by system properties that are set before
 * the Config is built and restored after. Closing it stops the container and releases the Config.
 */
public final class CdiApp implements AutoCloseable {
    private final Map<String, String> previous = new HashMap<>();
    private final WeldContainer container;
    private final boolean releaseConfig;

    private CdiApp(boolean releaseConfig, Map<String, String> properties, Class<?>... beans) {
        this(releaseConfig, true, properties, beans);
    }

    private CdiApp(boolean releaseConfig, boolean portableExtension, Map<String, String> properties, Class<?>... beans) {
        this.releaseConfig = releaseConfig;
        properties.forEach((k, v) -> previous.put(k, v == null ? System.clearProperty(k) : System.setProperty(k, v)));
        try {
            Weld weld = new Weld().disableDiscovery().addBeanClass(Anchor.class).addBeanClasses(beans);
            // a runtime loads every Extension registered in META-INF/services; Weld SE without discovery does not
            ServiceLoader.load(Extension.class).stream()
                    .filter(extension -> portableExtension || extension.type() != EtcdExtension.class)
                    .forEach(extension -> weld.addExtension(extension.get()));
            if (!portableExtension) {
                weld.addExtension(new LiteExtensionTranslator(List.of(UnskippedLiteExtension.class), CdiApp.class.getClassLoader()));
            }
            this.container = weld.initialize();
        } catch (RuntimeException e) {
            releaseConfigAfterFailedStart();
            restoreProperties();
            throw e;
        }
    }

    /** Weld SE refuses to start a synthetic archive without any bean class. */
    static final class Anchor {
    }

    public static CdiApp start(Map<String, String> properties, Class<?>... beans) {
        return new CdiApp(true, properties, beans);
    }

    /**
     * Like {@link #start}, without the library's portable extension and with its build compatible extension
     * instead, as in a CDI Lite container (Quarkus).
     */
    public static CdiApp startWithoutPortableExtension(Map<String, String> properties, Class<?>... beans) {
        return new CdiApp(true, false, properties, beans);
    }

    /**
     * Like {@link #start}, but closing it leaves the Config that MicroProfile Config cached for this class
     * loader in place, as an embedded restart or a runtime would: the next container in this thread gets
     * the same Config, with the same config sources. The test releases it itself.
     */
    public static CdiApp startKeepingConfig(Map<String, String> properties, Class<?>... beans) {
        return new CdiApp(false, properties, beans);
    }

    /** Settings pointing at an etcd, plus more key/value pairs. */
    public static Map<String, String> settings(String endpoints, String... more) {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("etcd.endpoints", endpoints);
        for (int i = 0; i + 1 < more.length; i += 2) {
            map.put(more[i], more[i + 1]);
        }
        return map;
    }

    public <T> T bean(Class<T> type) {
        return container.select(type).get();
    }

    public Config config() {
        return ConfigProvider.getConfig();
    }

    public WeldContainer container() {
        return container;
    }

    @Override
    public void close() {
        try {
            if (container.isRunning()) {
                container.shutdown();
            }
        } finally {
            if (releaseConfig) {
                ConfigProviderResolver resolver = ConfigProviderResolver.instance();
                resolver.releaseConfig(resolver.getConfig());
            }
            restoreProperties();
        }
    }

    /** A deployment that failed after the Config was built leaves it cached, with a live etcd source. */
    private static void releaseConfigAfterFailedStart() {
        try {
            releaseKeptConfig();
        } catch (RuntimeException notBuilt) {
            // building the Config is what failed: nothing is cached
        }
    }

    /** Closes the etcd sources of the Config cached for this thread's class loader and releases it. */
    public static void releaseKeptConfig() {
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        Config config = resolver.getConfig();
        EtcdConfigSource.of(config).forEach(EtcdConfigSource::close);
        resolver.releaseConfig(config);
    }

    private void restoreProperties() {
        previous.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }
}
