package io.etcdmp.demo;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import io.etcdmp.config.ConfigStore;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.testing.EtcdCluster;
import jakarta.enterprise.inject.se.SeContainer;
import jakarta.enterprise.inject.se.SeContainerInitializer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The demo: a CDI application whose {@code greeting} comes from etcd and changes live, and which
 * registers itself as an instance of service {@code demo}, discovers and watches instances, and is
 * gone from the registry as soon as it stops. With no
 * {@code etcd.endpoints} / {@code ETCD_ENDPOINTS} set, it starts a local etcd for itself.
 * {@code --wait} keeps it running so you can change the value with etcdctl yourself.
 */
public final class DemoApp {
    private DemoApp() {
    }

    public static void main(String[] args) throws Exception {
        try (var logging = DemoApp.class.getResourceAsStream("/logging.properties")) {
            java.util.logging.LogManager.getLogManager().readConfiguration(logging);
        }
        boolean wait = List.of(args).contains("--wait");
        EtcdCluster local = null;
        if (System.getProperty("etcd.endpoints") == null && System.getenv("ETCD_ENDPOINTS") == null) {
            try {
                local = EtcdCluster.start(); // the testing artifact's etcd: free loopback ports, a temp dir
            } catch (IllegalStateException e) {
                throw new IllegalStateException("No etcd configured (set ETCD_ENDPOINTS or -Detcd.endpoints) and none could"
                        + " be started here: " + e.getMessage(), e);
            }
            System.setProperty("etcd.endpoints", local.endpoints());
            System.out.println("No etcd configured: started a local etcd at " + local.endpoints());
        }
        try (SeContainer container = SeContainerInitializer.newInstance().initialize()) {
            GreetingPrinter printer = container.select(GreetingPrinter.class).get();
            ConfigStore store = container.select(ConfigStore.class).get();
            System.out.println("greeting at start: \"" + printer.current() + "\"");

            for (String value : List.of("hello from etcd", "bonjour depuis etcd", "hallo aus etcd")) {
                long start = System.nanoTime();
                store.saveConfig("greeting", value);
                String seen = printer.seen().poll(5, TimeUnit.SECONDS);
                System.out.printf("  wrote %s%s -> seen by the application in %.1f ms%n", store.prefix() + "greeting",
                        "=\"" + value + "\"", (System.nanoTime() - start) / 1e6);
                if (!value.equals(seen)) {
                    throw new IllegalStateException("the application did not see " + value + " (saw " + seen + ")");
                }
            }
            store.deleteConfig("greeting");
            printer.seen().poll(5, TimeUnit.SECONDS);
            System.out.println("deleted the key: greeting falls back to \"" + printer.current() + "\"");

            showRegistry(container.select(ServiceRegistry.class).get());

            if (wait) {
                System.out.println("Try: etcdctl --endpoints=" + System.getProperty("etcd.endpoints", System.getenv("ETCD_ENDPOINTS"))
                        + " put " + store.prefix() + "greeting 'hi'   (Ctrl-C to stop)");
                new CountDownLatch(1).await();
            }
            System.out.println("stopping the application: its registration is revoked");
        }
        try {
            showGone();
        } finally {
            if (local != null) {
                local.close();
            }
        }
        System.out.println("Demo finished.");
    }

    private static void showRegistry(ServiceRegistry registry) throws Exception {
        Registration self = registry.selfRegistration().orElseThrow();
        System.out.println("registered itself: " + self.key() + " -> " + self.instance().uri()
                + " (lease " + Long.toHexString(self.leaseId().orElse(0)) + ", kept alive)");
        BlockingQueue<List<ServiceInstance>> changes = new LinkedBlockingQueue<>();
        try (AutoCloseable watch = registry.watch("demo", changes::add)) {
            System.out.println("instances of demo: " + describe(registry.instances("demo")));
            ServiceInstance worker = new ServiceInstance("demo", "worker-1", "127.0.0.1", 8081, "http",
                    Map.of("role", "worker"), Optional.empty());
            try (Registration second = registry.register(worker)) {
                System.out.println("  [registry] watch: " + describe(changes.poll(5, TimeUnit.SECONDS)));
                System.out.println("round-robin picks: " + registry.choose("demo").orElseThrow().instanceId() + ", "
                        + registry.choose("demo").orElseThrow().instanceId());
            }
            System.out.println("  [registry] watch: " + describe(changes.poll(5, TimeUnit.SECONDS)));
        }
    }

    private static void showGone() throws Exception {
        String endpoints = System.getProperty("etcd.endpoints", System.getenv("ETCD_ENDPOINTS"));
        try (Client client = Client.builder().endpoints(endpoints.split(",")).build()) {
            long count = client.getKVClient().get(ByteSequence.from("/services/demo/", StandardCharsets.UTF_8),
                    GetOption.builder().isPrefix(true).withCountOnly(true).build()).get(5, TimeUnit.SECONDS).getCount();
            System.out.println("records under /services/demo/ after stop: " + count);
        }
    }

    private static String describe(List<ServiceInstance> instances) {
        return instances == null ? "(no change seen)" : instances.stream().map(i -> i.instanceId() + "@" + i.address()).toList().toString();
    }
}
