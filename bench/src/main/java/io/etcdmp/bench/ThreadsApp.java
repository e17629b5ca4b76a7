package io.etcdmp.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcdmp.config.ConfigStore;
import io.etcdmp.registry.ServiceRegistry;
import jakarta.enterprise.inject.spi.Extension;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A Weld SE + SmallRye Config application that uses everything the library offers: the etcd config
 * source (with a live change), the {@code Client} bean, {@code ConfigStore}, the readiness check,
 * self-registration and discovery with a watch. Run in its own JVM so that the thread baseline is
 * clean; prints {@code ADDED <name>} for each thread alive at full use that was not there before,
 * then {@code LEFT <name>} for each of those still alive after the container stopped.
 * Usage: {@code ThreadsApp <endpoint>}.
 */
public final class ThreadsApp {
    private static final Pattern UNNAMED = Pattern.compile("Thread-\\d+|pool-\\d+-thread-\\d+");

    private ThreadsApp() {
    }

    public static void main(String[] args) throws Exception {
        // Weld's own threads (its bootstrap uses the common fork-join pool) are not the library's: start and
        // stop a bare container first, so they are part of the baseline
        new Weld().disableDiscovery().addBeanClass(Anchor.class).initialize().shutdown();
        Map<Long, String> before = threads();
        System.setProperty("etcd.endpoints", args[0]);
        System.setProperty("mp.app.name", "threads-app");
        System.setProperty("etcd.registry.port", "8080");
        System.setProperty("etcd.registry.host", "127.0.0.1");
        System.setProperty("etcd.registry.ttl", "3s");
        Weld weld = new Weld().disableDiscovery().addBeanClass(Anchor.class);
        ServiceLoader.load(Extension.class).forEach(weld::addExtension); // as a runtime does
        WeldContainer container = weld.initialize();
        Map<Long, String> inUse;
        try {
            use(container);
            Thread.sleep(1500); // keep-alives, watches and timers have all started by now
            inUse = threads();
        } finally {
            container.shutdown();
            ConfigProviderResolver resolver = ConfigProviderResolver.instance();
            resolver.releaseConfig(resolver.getConfig());
        }
        List<String> added = new ArrayList<>();
        inUse.forEach((id, name) -> {
            if (!before.containsKey(id)) {
                added.add(name);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Set<Long> left;
        do {
            Thread.sleep(50);
            Map<Long, String> now = threads();
            left = now.keySet().stream().filter(id -> !before.containsKey(id)).collect(Collectors.toSet());
        } while (!left.isEmpty() && System.nanoTime() < deadline);
        added.stream().sorted().forEach(name -> System.out.println("ADDED " + name + (UNNAMED.matcher(name).matches() ? " UNNAMED" : "")));
        Map<Long, String> after = threads();
        left.forEach(id -> System.out.println("LEFT " + after.getOrDefault(id, "?")));
        System.out.println("DONE");
        System.exit(0);
    }

    private static void use(WeldContainer container) throws Exception {
        Config config = ConfigProvider.getConfig();
        ConfigStore store = container.select(ConfigStore.class).get();
        AutoCloseable storeWatch = store.watchConfig("greeting", change -> { });
        store.saveConfig("greeting", "hello");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!"hello".equals(config.getOptionalValue("greeting", String.class).orElse(null))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("greeting not visible through Config");
            }
            Thread.sleep(10);
        }
        Client client = container.select(Client.class).get();
        client.getKVClient().get(ByteSequence.from("/config/threads-app/greeting", StandardCharsets.UTF_8))
                .get(5, TimeUnit.SECONDS);
        ServiceRegistry registry = container.select(ServiceRegistry.class).get();
        while (registry.instances("threads-app").isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("self-registration not visible");
            }
            Thread.sleep(10);
        }
        registry.watch("threads-app", list -> { });
        registry.choose("threads-app").orElseThrow();
        for (HealthCheck check : container.select(HealthCheck.class, Readiness.Literal.INSTANCE)) {
            check.call();
        }
        storeWatch.close();
    }

    private static Map<Long, String> threads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .collect(Collectors.toMap(Thread::getId, Thread::getName));
    }

    /** Weld SE refuses a synthetic archive without a bean class. */
    static final class Anchor {
    }
}
