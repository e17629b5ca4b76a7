package io.etcdmp.stork;

import io.smallrye.stork.Stork;
import io.smallrye.stork.api.config.ServiceConfig;
import io.smallrye.stork.spi.config.ConfigProvider;
import io.smallrye.stork.spi.config.SimpleServiceConfig;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stork's configuration for the tests, the way an application's {@code stork.<service>.*} settings reach Stork
 * (found by {@code ServiceLoader}); {@link #start} restarts Stork with the given services.
 */
public final class StorkServices implements ConfigProvider {
    private static final List<ServiceConfig> SERVICES = new CopyOnWriteArrayList<>();

    /** Restarts Stork with services whose discovery (and registrar, when {@code registrar} is not null) is {@code etcd}. */
    static Stork start(Map<String, String> discovery, Map<String, String> registrar, String... services) {
        Stork.shutdown();
        SERVICES.clear();
        for (String service : services) {
            SimpleServiceConfig.Builder config = new SimpleServiceConfig.Builder().setServiceName(service)
                    .setServiceDiscovery(new SimpleServiceConfig.SimpleServiceDiscoveryConfig("etcd", discovery));
            if (registrar != null) {
                config.setServiceRegistrar(new SimpleServiceConfig.SimpleServiceRegistrarConfig("etcd", registrar));
            }
            SERVICES.add(config.build());
        }
        Stork.initialize();
        return Stork.getInstance();
    }

    static void stop() {
        Stork.shutdown();
        SERVICES.clear();
    }

    @Override
    public List<ServiceConfig> getConfigs() {
        return List.copyOf(SERVICES);
    }

    @Override
    public int priority() {
        return 100;
    }
}
