package io.etcdmp.bench;

import com.sun.net.httpserver.HttpServer;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import jakarta.enterprise.inject.spi.Extension;
import org.eclipse.microprofile.rest.client.RestClientBuilder;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The MicroProfile Rest Client figures, in a JVM of their own: a Weld SE + SmallRye Config application with
 * RESTEasy's MicroProfile Rest Client calls a service registered in etcd by another registry (its own
 * connection, as another process would). Prints
 * {@code COST <by-name median ns> <http:// median ns> <requests each>} (one request each way in turn, to
 * the same instance) and {@code DRAIN <requests> <to the stopping instance> <started after its DRAINING
 * reached the cache> <failed> <announce to cache update, ms>}.
 * Usage: {@code RestClientApp <endpoint> <requests each way> <drain seconds>}.
 */
public final class RestClientApp {
    private static final String SERVICE = "bench-callee";

    private RestClientApp() {
    }

    public static void main(String[] args) throws Exception {
        String endpoint = args[0];
        int requests = Integer.parseInt(args[1]);
        Duration drainTime = Duration.ofSeconds(Long.parseLong(args[2]));
        System.setProperty("etcd.endpoints", endpoint);
        Weld weld = new Weld().disableDiscovery().addBeanClass(ThreadsApp.Anchor.class);
        ServiceLoader.load(Extension.class).forEach(weld::addExtension); // as a runtime does
        try (Callee a = new Callee("a"); Callee b = new Callee("b");
             WeldContainer container = weld.initialize();
             ServiceRegistry callees = Internals.registry(endpoint, Map.of())) {
            ServiceRegistry registry = container.select(ServiceRegistry.class).get();
            callees.register(instance(a));
            awaitUp(registry, 1);
            CalleeClient byName = RestClientBuilder.newBuilder()
                    .baseUri(URI.create("http://" + SERVICE + ServiceRegistry.HOST_SUFFIX)).build(CalleeClient.class);
            CalleeClient direct = RestClientBuilder.newBuilder().baseUri(URI.create("http://127.0.0.1:" + a.port()))
                    .build(CalleeClient.class);
            cost(byName, direct, requests);
            drain(registry, callees, byName, b, drainTime);
        }
        System.out.println("DONE");
        System.exit(0);
    }

    private static void cost(CalleeClient byName, CalleeClient direct, int requests) {
        for (int i = 0; i < Math.max(500, requests / 2); i++) { // warm-up: both paths compiled before measuring
            byName.ping();
            direct.ping();
        }
        long[] etcd = new long[requests];
        long[] http = new long[requests];
        for (int i = 0; i < requests; i++) { // in turn, so that both meet the same machine; which goes first alternates
            boolean directFirst = i % 2 == 0;
            long t0 = System.nanoTime();
            (directFirst ? direct : byName).ping();
            long t1 = System.nanoTime();
            (directFirst ? byName : direct).ping();
            long t2 = System.nanoTime();
            http[i] = directFirst ? t1 - t0 : t2 - t1;
            etcd[i] = directFirst ? t2 - t1 : t1 - t0;
        }
        System.out.println("COST " + median(etcd) + " " + median(http) + " " + requests);
    }

    /** A caller loops through the Rest Client while b drains; which requests reached b, and when. */
    private static void drain(ServiceRegistry registry, ServiceRegistry callees, CalleeClient byName, Callee b,
                              Duration drainTime) throws Exception {
        Registration stopping = callees.register(instance(b));
        awaitUp(registry, 2);
        AtomicLong cacheUpdated = new AtomicLong();
        AutoCloseable watch = registry.watch(SERVICE, list -> {
            if (list.stream().anyMatch(i -> i.instanceId().equals("b") && !i.isUp())) {
                cacheUpdated.compareAndSet(0, System.nanoTime());
            }
        });
        List<long[]> sent = new ArrayList<>(); // start time, 1 when answered by b
        AtomicInteger failed = new AtomicInteger();
        Thread caller = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long start = System.nanoTime();
                try {
                    String answer = byName.ping();
                    sent.add(new long[] {start, answer.equals("b") ? 1 : 0});
                } catch (RuntimeException e) {
                    failed.incrementAndGet();
                }
            }
        }, "bench-caller");
        caller.start();
        Thread.sleep(500);
        long announced = System.nanoTime();
        stopping.drain(drainTime); // DRAINING, the drain time, then the lease revoked; b keeps serving meanwhile
        Thread.sleep(500);
        caller.interrupt();
        caller.join(10_000);
        watch.close();
        long updated = cacheUpdated.get();
        if (updated == 0) {
            throw new IllegalStateException("the caller's cache never saw b draining");
        }
        long toB = sent.stream().filter(s -> s[1] == 1).count();
        long toBAfterUpdate = sent.stream().filter(s -> s[1] == 1 && s[0] >= updated).count();
        System.out.println("DRAIN " + sent.size() + " " + toB + " " + toBAfterUpdate + " " + failed.get() + " "
                + String.format(java.util.Locale.ROOT, "%.2f", (updated - announced) / 1e6));
    }

    private static ServiceInstance instance(Callee callee) {
        return new ServiceInstance(SERVICE, callee.name, "127.0.0.1", callee.port(), "http", Map.of(), Optional.empty());
    }

    private static void awaitUp(ServiceRegistry registry, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (registry.instances(SERVICE).stream().filter(ServiceInstance::isUp).count() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(count + " instances of " + SERVICE + " not seen");
            }
            Thread.sleep(5);
        }
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** The called service: the JDK's HTTP server on 127.0.0.1 answering its name. */
    private static final class Callee implements AutoCloseable {
        final String name;
        final HttpServer server;

        Callee(String name) throws Exception {
            this.name = name;
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            server.setExecutor(Executors.newFixedThreadPool(2, r -> new Thread(r, "callee-" + name)));
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            server.createContext("/", exchange -> {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
