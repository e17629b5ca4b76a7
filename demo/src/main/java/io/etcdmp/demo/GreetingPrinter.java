package io.etcdmp.demo;

import io.etcdmp.config.ConfigChangeEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** An ordinary bean: reads {@code greeting} through MicroProfile Config and prints each change etcd sends. */
@ApplicationScoped
public class GreetingPrinter {
    private final BlockingQueue<String> seen = new LinkedBlockingQueue<>();

    @Inject
    @ConfigProperty(name = "greeting")
    Provider<String> greeting;

    public String current() {
        return greeting.get();
    }

    void onChange(@Observes ConfigChangeEvent event) {
        if (event.names().contains("greeting")) {
            String now = greeting.get();
            System.out.printf("  [config] greeting is now \"%s\" (etcd revision %d)%n", now, event.revision());
            seen.add(now);
        }
    }

    BlockingQueue<String> seen() {
        return seen;
    }
}
