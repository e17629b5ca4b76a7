package io.etcdmp.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.testing.EtcdCluster;
import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.StringReader;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A registry at fleet scale on a 3-member loopback cluster: instances of many services registered from
 * a few JVMs ({@link ScaleRegistrant}), one watcher {@link ServiceRegistry} following every service.
 * Measures, against raw jetcd in the same run where one exists: time until the watcher has every
 * instance, heap per cached instance, join propagation under churn (p50/p99), the final view against
 * etcd's, and etcd's side (leases, keep-alive messages/s, watchers, watch streams), and the watcher's threads.
 */
final class RegistryScale {
    private static final Pattern METRIC = Pattern.compile("^(\\S+?)(\\{[^}]*})? ([0-9.e+]+)$");

    private final int instances;
    private final int services;
    private final int jvms;
    private final int churnPerSecond;
    private final int churnSeconds;
    private final long ttlSeconds = 10;

    RegistryScale(int instances, int services, int jvms, int churnPerSecond, int churnSeconds) {
        this.instances = instances;
        this.services = services;
        this.jvms = jvms;
        this.churnPerSecond = churnPerSecond;
        this.churnSeconds = churnSeconds;
    }

    void run(Path classpath, Report report) throws Exception {
        String label = instances + " instances of " + services + " services from " + jvms + " JVMs";
        try (EtcdCluster etcd = EtcdCluster.builder().members(3).start()) {
            List<Process> registrants = new ArrayList<>();
            try {
                long registering = System.nanoTime();
                for (int j = 0; j < jvms; j++) {
                    registrants.add(new ProcessBuilder(java(), "-Xmx512m", "-cp", classpath.toString(), ScaleRegistrant.class.getName(),
                            etcd.endpoints(), Integer.toString(j), Integer.toString(services), Integer.toString(instances / jvms),
                            Long.toString(ttlSeconds)).redirectErrorStream(true).start());
                }
                int registrantThreads = 0;
                for (Process p : registrants) {
                    String ready = awaitLine(p, "READY", Duration.ofMinutes(8));
                    registrantThreads = Math.max(registrantThreads, Integer.parseInt(ready.split(" ")[2]));
                }
                report.note(Report.fmt("registry scale (%s): registered in %.1f s; a registrant JVM with %d registrations has %d threads",
                        label, (System.nanoTime() - registering) / 1e9, instances / jvms, registrantThreads));
                measure(etcd, registrants, label, report);
            } finally {
                for (Process p : registrants) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private void measure(EtcdCluster etcd, List<Process> registrants, String label, Report report) throws Exception {
        try (Client raw = Client.builder().endpoints(etcd.endpoints().split(",")).build();
             ServiceRegistry watcher = Internals.registry(etcd.endpoints(), Map.of())) {
            ByteSequence root = utf8("/services/");
            // baseline: a raw paginated read of the registry prefix
            long rawStart = System.nanoTime();
            int rawCount = rawRead(raw, root).size();
            double rawMillis = (System.nanoTime() - rawStart) / 1e6;

            long heapBefore = usedHeap();
            long threadsBefore = ourThreads();
            long start = System.nanoTime();
            int seen = 0;
            for (int s = 0; s < services; s++) {
                seen += watcher.instances("svc-" + s).size();
            }
            double followMillis = (System.nanoTime() - start) / 1e6;
            long heapAfter = usedHeap();
            long threads = ourThreads() - threadsBefore;
            report.add("registry scale: watcher following " + services + " services has all " + instances + " instances",
                    Report.ms(followMillis) + " (" + seen + " seen)", "raw paginated read of /services/: " + Report.ms(rawMillis)
                    + " (" + rawCount + " keys)", followMillis / rawMillis, "≤ 2×", seen == instances && followMillis <= 2 * rawMillis);
            double perInstance = (heapAfter - heapBefore) / (double) Math.max(1, seen);
            report.add("registry scale: heap per cached instance", Report.fmt("%.0f B", perInstance), "–", Double.NaN,
                    "≤ 1 KiB", perInstance <= 1024);
            report.add("registry scale: watcher threads added following " + services + " services", threads + "", "–",
                    Double.NaN, "no thread per service", threads <= 8);

            Map<String, Double> before = metrics(etcd);
            long window = System.nanoTime();
            TimeUnit.SECONDS.sleep(10); // etcd's counters over a quiet window of one TTL
            Map<String, Double> after = metrics(etcd);
            double seconds = (System.nanoTime() - window) / 1e9;
            double keepAlives = (after.getOrDefault("keepalive", 0.0) - before.getOrDefault("keepalive", 0.0)) / seconds;
            int leases = etcd.ctl().leaseList().size();
            report.note(Report.fmt("registry scale (%s), etcd's side: %d leases, %.0f LeaseKeepAlive messages/s at TTL %d s, "
                    + "%.0f watchers in %.0f watch streams (all clients, summed over members)", label, leases, keepAlives, ttlSeconds,
                    after.getOrDefault("watchers", 0.0), after.getOrDefault("streams", 0.0)));

            if (churnSeconds > 0) {
                churn(raw, root, watcher, registrants, label, report);
            }
            watcher.close();
        }
    }

    private void churn(Client raw, ByteSequence root, ServiceRegistry watcher, List<Process> registrants, String label,
                       Report report) throws Exception {
        Samples ours = new Samples();
        Samples baseline = new Samples();
        Set<String> oursSeen = ConcurrentHashMap.newKeySet();
        AutoCloseable listener = watcher.onEveryChange(event -> {
            long now = System.currentTimeMillis();
            for (ServiceInstance i : event.instances()) {
                if (i.registeredAt().isPresent() && oursSeen.add(i.instanceId())) {
                    synchronized (ours) {
                        ours.add(TimeUnit.MILLISECONDS.toNanos(now - i.registeredAt().get().toEpochMilli()));
                    }
                }
            }
        });
        Set<String> rawSeen = ConcurrentHashMap.newKeySet();
        Watch.Watcher rawWatch = raw.getWatchClient().watch(root, WatchOption.builder().isPrefix(true).build(), response -> {
            long now = System.currentTimeMillis();
            for (WatchEvent e : response.getEvents()) {
                if (e.getEventType() == WatchEvent.EventType.PUT && rawSeen.add(e.getKeyValue().getKey().toString(StandardCharsets.UTF_8))) {
                    registeredAt(e.getKeyValue()).ifPresent(at -> {
                        synchronized (baseline) {
                            baseline.add(TimeUnit.MILLISECONDS.toNanos(now - at.toEpochMilli()));
                        }
                    });
                }
            }
        });
        for (ServiceInstance i : allCached(watcher)) {
            oursSeen.add(i.instanceId()); // only joins during the churn count
        }
        for (Process p : registrants) {
            Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
            in.write("churn " + Math.max(1, churnPerSecond / registrants.size()) + " " + churnSeconds + "\n");
            in.flush();
        }
        for (Process p : registrants) {
            awaitLine(p, "CHURNED", Duration.ofSeconds(churnSeconds * 3L + 60));
        }
        // the final view: equal to etcd's, once the last changes arrived
        Set<String> inEtcd = new TreeSet<>();
        boolean equal = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Set<String> cached = Set.of();
        while (!equal && System.nanoTime() < deadline) {
            inEtcd.clear();
            for (KeyValue kv : rawRead(raw, root)) {
                String key = kv.getKey().toString(StandardCharsets.UTF_8);
                inEtcd.add(key.substring(key.lastIndexOf('/') + 1));
            }
            cached = new TreeSet<>();
            for (ServiceInstance i : allCached(watcher)) {
                cached.add(i.instanceId());
            }
            equal = cached.equals(inEtcd);
            if (!equal) {
                TimeUnit.MILLISECONDS.sleep(100); // poll until the watcher caught up, bounded by the deadline
            }
        }
        listener.close();
        rawWatch.close();
        Set<String> missing = new HashSet<>(inEtcd);
        missing.removeAll(cached);
        Set<String> stale = new HashSet<>(cached);
        stale.removeAll(inEtcd);
        double p99 = ours.percentileMillis(99);
        double rawP99 = baseline.percentileMillis(99);
        report.add(Report.fmt("registry scale: churn %d/s joins + leaves for %d s, join → watcher p50 / p99 (%s)", churnPerSecond,
                churnSeconds, label), Report.ms(ours.percentileMillis(50)) + " / " + Report.ms(p99) + " (" + ours.size() + " joins)",
                "raw watch on /services/: " + Report.ms(baseline.percentileMillis(50)) + " / " + Report.ms(rawP99),
                p99 / Math.max(0.001, rawP99), "p99 ≤ 1.2×", p99 <= 1.2 * rawP99);
        report.add("registry scale: watcher's view vs etcd's after the churn", missing.size() + " missing, " + stale.size() + " stale",
                inEtcd.size() + " instances in etcd", Double.NaN, "0 and 0", missing.isEmpty() && stale.isEmpty());
    }

    private List<ServiceInstance> allCached(ServiceRegistry watcher) {
        List<ServiceInstance> all = new ArrayList<>();
        for (int s = 0; s < services; s++) {
            all.addAll(watcher.instances("svc-" + s));
        }
        return all;
    }

    private static Optional<Instant> registeredAt(KeyValue kv) {
        try {
            JsonObject record = Json.createReader(new StringReader(kv.getValue().toString(StandardCharsets.UTF_8))).readObject();
            return Optional.of(Instant.parse(record.getJsonObject("Metadata").getString("registeredAt")));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static List<KeyValue> rawRead(Client raw, ByteSequence prefix) throws Exception {
        List<KeyValue> all = new ArrayList<>();
        ByteSequence from = prefix;
        ByteSequence end = utf8(prefix.toString(StandardCharsets.UTF_8).replaceAll("/$", "0"));
        long revision = 0;
        while (true) {
            GetOption.Builder option = GetOption.builder().withRange(end).withLimit(5000);
            if (revision > 0) {
                option.withRevision(revision);
            }
            GetResponse page = raw.getKVClient().get(from, option.build()).get(30, TimeUnit.SECONDS);
            revision = page.getHeader().getRevision();
            all.addAll(page.getKvs());
            if (!page.isMore() || page.getKvs().isEmpty()) {
                return all;
            }
            byte[] last = page.getKvs().get(page.getKvs().size() - 1).getKey().getBytes();
            byte[] next = java.util.Arrays.copyOf(last, last.length + 1);
            from = ByteSequence.from(next);
        }
    }

    /** Sums over the members: LeaseKeepAlive messages received, watchers, watch streams. */
    private static Map<String, Double> metrics(EtcdCluster etcd) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        double keepAlive = 0;
        double watchers = 0;
        double streams = 0;
        for (String url : etcd.clientUrls()) {
            String body = http.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String line : body.split("\n")) {
                Matcher m = METRIC.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                double value = Double.parseDouble(m.group(3));
                String labels = m.group(2) == null ? "" : m.group(2);
                switch (m.group(1)) {
                    case "grpc_server_msg_received_total" -> keepAlive += labels.contains("grpc_method=\"LeaseKeepAlive\"") ? value : 0;
                    case "etcd_debugging_mvcc_watcher_total" -> watchers += value;
                    case "etcd_debugging_mvcc_watch_stream_total" -> streams += value;
                    default -> { }
                }
            }
        }
        return Map.of("keepalive", keepAlive, "watchers", watchers, "streams", streams);
    }

    private static String awaitLine(Process p, String prefix, Duration limit) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + limit.toNanos();
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            String line = out.readLine();
            if (line == null) {
                break;
            }
            if (line.startsWith(prefix)) {
                return line;
            }
            if (!line.contains(" FINE ") && !line.contains(" INFO ")) {
                seen.append(line).append('\n');
            }
        }
        throw new IllegalStateException("registrant did not print " + prefix + " within " + limit + ":\n" + seen);
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long ourThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> t.getName().startsWith("etcd-microprofile-") || t.getName().startsWith("jetcd-")
                        || t.getName().startsWith("vert.x-")).count();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static ByteSequence utf8(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
