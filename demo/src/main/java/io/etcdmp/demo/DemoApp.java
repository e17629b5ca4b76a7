package io.etcdmp.demo;

import io.etcdmp.config.ConfigStore;
import jakarta.enterprise.inject.se.SeContainer;
import jakarta.enterprise.inject.se.SeContainerInitializer;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The demo: a CDI application whose {@code greeting} comes from etcd and changes live. With no
 * {@code etcd.endpoints} / {@code ETCD_ENDPOINTS} set, it starts a local etcd for itself.
 * {@code --wait} keeps it running so you can change the value with etcdctl yourself.
 */
public final class DemoApp {
    private DemoApp() {
    }

    public static void main(String[] args) throws Exception {
        boolean wait = List.of(args).contains("--wait");
        LocalEtcd local = null;
        if (System.getProperty("etcd.endpoints") == null && System.getenv("ETCD_ENDPOINTS") == null) {
            local = LocalEtcd.start();
            System.setProperty("etcd.endpoints", local.endpoint());
            System.out.println("No etcd configured: started a local etcd at " + local.endpoint());
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

            if (wait) {
                System.out.println("Try: etcdctl --endpoints=" + System.getProperty("etcd.endpoints", System.getenv("ETCD_ENDPOINTS"))
                        + " put " + store.prefix() + "greeting 'hi'   (Ctrl-C to stop)");
                new CountDownLatch(1).await();
            }
        } finally {
            if (local != null) {
                local.close();
            }
        }
        System.out.println("Demo finished.");
    }
}
