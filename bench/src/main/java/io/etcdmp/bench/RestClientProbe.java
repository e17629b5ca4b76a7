package io.etcdmp.bench;

import com.sun.management.ThreadMXBean;
import com.sun.net.httpserver.HttpServer;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.ws.rs.client.ClientRequestFilter;
import org.eclipse.microprofile.rest.client.RestClientBuilder;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;

import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;

/**
 * Not a row of {@code ./bench.sh}: the experiment behind the by-name Rest Client row (docs/BENCHMARKS.md). One JVM as
 * {@link RestClientApp} builds it, with more clients on the same instance: {@code byName}, {@code direct},
 * {@code direct2} (a second direct client: the A/A control), {@code setUri} (direct, plus a filter that only sets a
 * fixed URI), and by-name clients whose own filter (priority 400, before ours) does part of our filter's work. Prints
 * per client the median of per-round medians, the caller's CPU time and allocation per request (rounds of
 * {@code per} requests, order rotated each round); our filter timed in place (stamps at priorities 499 and 501
 * around it) on {@code byName} and {@code direct}; the steps of the copied filter; and the row's own design (one
 * request each way in turn, medians) for byName vs direct and for the A/A pair.
 * Usage: {@code RestClientProbe <etcd endpoint> <rounds> <per> [clients to leave out, comma-separated]}.
 */
public final class RestClientProbe {
    public static void main(String[] args) throws Exception {
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> { // Weld's and jetcd's threads would keep the JVM up
            e.printStackTrace();
            System.exit(1);
        });
        String endpoint = args[0];
        int rounds = Integer.parseInt(args[1]);
        int per = Integer.parseInt(args[2]);
        System.setProperty("etcd.endpoints", endpoint);
        Weld weld = new Weld().disableDiscovery().addBeanClass(ThreadsApp.Anchor.class);
        ServiceLoader.load(Extension.class).forEach(weld::addExtension);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(Executors.newFixedThreadPool(2));
        byte[] body = "a".getBytes(StandardCharsets.UTF_8);
        java.util.Set<Integer> remotePorts = java.util.concurrent.ConcurrentHashMap.newKeySet();
        server.createContext("/", exchange -> {
            remotePorts.add(exchange.getRemoteAddress().getPort());
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        int port = server.getAddress().getPort();
        try (WeldContainer container = weld.initialize();
             ServiceRegistry callees = Internals.registry(endpoint, Map.of())) {
            ServiceRegistry registry = container.select(ServiceRegistry.class).get();
            callees.register(new ServiceInstance("probe", "a" + ProcessHandle.current().pid(), "127.0.0.1", port, "http", Map.of(), Optional.empty()));
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (registry.choose("probe").isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the registered instance of probe never showed in the cache");
                }
                Thread.sleep(5);
            }
            Map<String, CalleeClient> sides = new LinkedHashMap<>();
            Stopwatch byNameWatch = new Stopwatch();
            Stopwatch directWatch = new Stopwatch();
            sides.put("byName", byNameWatch.on(RestClientBuilder.newBuilder().baseUri(URI.create("http://probe.etcd"))).build(CalleeClient.class));
            sides.put("direct", directWatch.on(RestClientBuilder.newBuilder().baseUri(URI.create("http://127.0.0.1:" + port))).build(CalleeClient.class));
            sides.put("direct2", RestClientBuilder.newBuilder().baseUri(URI.create("http://127.0.0.1:" + port)).build(CalleeClient.class));
            URI fixed = URI.create("http://127.0.0.1:" + port + "/ping");
            sides.put("setUri", RestClientBuilder.newBuilder().baseUri(URI.create("http://127.0.0.1:" + port))
                    .register((ClientRequestFilter) r -> r.setUri(fixed), 400).build(CalleeClient.class));
            URI byNameUri = URI.create("http://probe.etcd");
            sides.put("name+fixed", RestClientBuilder.newBuilder().baseUri(byNameUri)
                    .register((ClientRequestFilter) r -> r.setUri(fixed), 400).build(CalleeClient.class));
            sides.put("name+choose", RestClientBuilder.newBuilder().baseUri(byNameUri)
                    .register((ClientRequestFilter) r -> {
                        URI u = r.getUri();
                        String svc = ServiceRegistry.serviceOf(u).orElseThrow();
                        ServiceInstance c = registry.choose(svc).orElseThrow();
                        r.setUri(c.resolve(u));
                    }, 400).build(CalleeClient.class));
            sides.put("name+prop", RestClientBuilder.newBuilder().baseUri(byNameUri)
                    .register(new PropFilter(registry, false), 400).build(CalleeClient.class));
            PropFilter staged = new PropFilter(registry, true);
            sides.put("name+inflight", RestClientBuilder.newBuilder().baseUri(byNameUri)
                    .register(staged, 400).build(CalleeClient.class));
            for (String extra : args.length > 3 ? args[3].split(",") : new String[0]) {
                if (!extra.isEmpty()) {
                    sides.remove(extra);
                }
            }
            List<String> names = new ArrayList<>(sides.keySet());
            ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            long tid = Thread.currentThread().getId();
            for (int i = 0; i < 5000; i++) {
                for (CalleeClient c : sides.values()) {
                    c.ping();
                }
            }
            Map<String, List<double[]>> results = new LinkedHashMap<>();
            names.forEach(n -> results.put(n, new ArrayList<>()));
            long[] times = new long[per];
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < names.size(); k++) {
                    String name = names.get((k + round) % names.size());
                    CalleeClient c = sides.get(name);
                    long cpu0 = mx.getCurrentThreadCpuTime();
                    long alloc0 = mx.getThreadAllocatedBytes(tid);
                    for (int i = 0; i < per; i++) {
                        long t0 = System.nanoTime();
                        c.ping();
                        times[i] = System.nanoTime() - t0;
                    }
                    long cpu = mx.getCurrentThreadCpuTime() - cpu0;
                    long alloc = mx.getThreadAllocatedBytes(tid) - alloc0;
                    Arrays.sort(times);
                    results.get(name).add(new double[] {times[per / 2], (double) cpu / per, (double) alloc / per});
                }
            }
            for (String n : names) {
                List<double[]> r = results.get(n);
                System.out.printf("%-8s wall median-of-medians %8.0f ns  cpu/req %8.0f ns  alloc/req %8.0f B%n", n,
                        med(r, 0), med(r, 1), med(r, 2));
            }
            System.out.println("in situ, our request+response filter: byName " + byNameWatch.stats() + "; direct " + directWatch.stats());
            if (sides.containsKey("name+inflight")) {
                System.out.print(staged.stats());
            }
            int pairs = Integer.getInteger("pairs", 20000);
            for (String[] ab : new String[][] {{"byName", "direct"}, {"direct2", "direct"}, {"byName", "direct"}, {"direct2", "direct"}}) {
                if (sides.containsKey(ab[0]) && sides.containsKey(ab[1])) {
                    long[] m = pairs(sides.get(ab[0]), sides.get(ab[1]), pairs);
                    System.out.printf("row design, %s vs %s, %d pairs: %d vs %d ns, %.3fx%n", ab[0], ab[1], pairs, m[0], m[1], (double) m[0] / m[1]);
                }
            }
            System.out.println("connections seen by the server: " + remotePorts.size() + " for " + names.size() + " clients");
        } finally {
            server.stop(0);
        }
        System.exit(0);
    }

    /** Times our filter (priority 500) in place: stamps before and after it, request and response side. */
    static final class Stopwatch {
        long t0;
        long total;
        long count;
        long request;
        final long[] samples = new long[1 << 20];

        RestClientBuilder on(RestClientBuilder b) {
            b.register((ClientRequestFilter) r -> t0 = System.nanoTime(), 499);
            b.register((ClientRequestFilter) r -> request = System.nanoTime() - t0, 501);
            b.register((jakarta.ws.rs.client.ClientResponseFilter) (r, s) -> t0 = System.nanoTime(), 501);
            b.register((jakarta.ws.rs.client.ClientResponseFilter) (r, s) -> {
                long d = request + System.nanoTime() - t0;
                total += d;
                samples[(int) (count++ & (samples.length - 1))] = d;
            }, 499);
            return b;
        }

        double mean() {
            return (double) total / count;
        }

        String stats() {
            long[] v = Arrays.copyOf(samples, (int) Math.min(count, samples.length));
            Arrays.sort(v);
            return String.format("median %d ns, p90 %d ns, mean %.0f ns", v[v.length / 2], v[v.length * 9 / 10], mean());
        }
    }

    static final class PropFilter implements ClientRequestFilter, jakarta.ws.rs.client.ClientResponseFilter {
        final ServiceRegistry registry;
        final boolean inflight;
        final Map<Long, io.etcdmp.registry.InFlightRequests.Call> open = new java.util.concurrent.ConcurrentHashMap<>();

        PropFilter(ServiceRegistry registry, boolean inflight) {
            this.registry = registry;
            this.inflight = inflight;
        }

        static final String[] STAGES = {"getUri", "serviceOf", "choose", "resolve", "setUri", "begin", "setProperty", "open.put",
                "getProperty", "close", "removeProperty", "open.remove"};
        final long[][] stage = new long[STAGES.length][1 << 16];
        int n;
        URI lastIn;
        ServiceInstance lastChosen;
        URI lastOut;

        @Override
        public void filter(jakarta.ws.rs.client.ClientRequestContext r) {
            int i = n & 0xffff;
            long t0 = System.nanoTime();
            URI u = r.getUri();
            long t1 = System.nanoTime();
            String svc = ServiceRegistry.serviceOf(u).orElseThrow();
            long t2 = System.nanoTime();
            ServiceInstance c = registry.choose(svc).orElseThrow();
            long t3 = System.nanoTime();
            URI target = c == lastChosen && u.equals(lastIn) ? lastOut : c.resolve(u);
            lastIn = u;
            lastChosen = c;
            lastOut = target;
            long t4 = System.nanoTime();
            r.setUri(target);
            long t5 = System.nanoTime();
            io.etcdmp.registry.InFlightRequests.Call call = registry.inFlight().begin(c);
            long t6 = System.nanoTime();
            r.setProperty("probe.call", call);
            long t7 = System.nanoTime();
            if (inflight) {
                open.put(Thread.currentThread().getId(), call);
            }
            long t8 = System.nanoTime();
            long[] t = {t0, t1, t2, t3, t4, t5, t6, t7, t8};
            for (int k = 0; k < 8; k++) {
                stage[k][i] = t[k + 1] - t[k];
            }
        }

        @Override
        public void filter(jakarta.ws.rs.client.ClientRequestContext r, jakarta.ws.rs.client.ClientResponseContext s) {
            int i = n++ & 0xffff;
            long t0 = System.nanoTime();
            Object call = r.getProperty("probe.call");
            long t1 = System.nanoTime();
            ((io.etcdmp.registry.InFlightRequests.Call) call).close();
            long t2 = System.nanoTime();
            r.removeProperty("probe.call");
            long t3 = System.nanoTime();
            if (inflight) {
                open.remove(Thread.currentThread().getId(), call);
            }
            long t4 = System.nanoTime();
            long[] t = {t0, t1, t2, t3, t4};
            for (int k = 0; k < 4; k++) {
                stage[8 + k][i] = t[k + 1] - t[k];
            }
        }

        String stats() {
            StringBuilder b = new StringBuilder();
            int count = Math.min(n, 1 << 16);
            for (int k = 0; k < STAGES.length; k++) {
                long[] v = Arrays.copyOf(stage[k], count);
                Arrays.sort(v);
                double mean = Arrays.stream(v).average().orElse(0);
                b.append(String.format("  %-14s median %6d  p90 %6d  mean %8.0f ns%n", STAGES[k], v[count / 2], v[count * 9 / 10], mean));
            }
            return b.toString();
        }
    }

    /** As RestClientApp.cost: one request each way in turn, order alternating, medians. */
    static long[] pairs(CalleeClient x, CalleeClient y, int n) {
        long[] a = new long[n];
        long[] b = new long[n];
        for (int i = 0; i < n; i++) {
            boolean yFirst = i % 2 == 0;
            long t0 = System.nanoTime();
            (yFirst ? y : x).ping();
            long t1 = System.nanoTime();
            (yFirst ? x : y).ping();
            long t2 = System.nanoTime();
            b[i] = yFirst ? t1 - t0 : t2 - t1;
            a[i] = yFirst ? t2 - t1 : t1 - t0;
        }
        Arrays.sort(a);
        Arrays.sort(b);
        return new long[] {a[n / 2], b[n / 2]};
    }

    private static double med(List<double[]> r, int i) {
        double[] v = r.stream().mapToDouble(a -> a[i]).sorted().toArray();
        return v[v.length / 2];
    }
}
