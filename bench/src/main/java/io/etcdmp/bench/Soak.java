package io.etcdmp.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcdmp.config.EtcdConfigSource;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.testing.EtcdCluster;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The soak ({@code ./bench.sh --only=soak}, not in CI): on a 3-member loopback cluster, config churn (10 changes/s
 * under the source's prefix) and registry churn (10 joins and 10 leaves/s of one service) for
 * {@code -Dsoak.minutes} (default 60), a fault every 5 minutes in turn (leader SIGKILL and restart, a member
 * restarted, compaction at the current revision), and every 10 minutes: heap after GC, threads, open files, and on
 * etcd the leases and watchers. At the end: updates the config source lost (its value of a key is not the last
 * acknowledged write) and stale instances (the watcher's view of the service differs from etcd's records).
 */
final class Soak {
    private static final String PREFIX = "/soak/config/";
    private static final String SERVICE = "soak-svc";
    private static final int KEYS = 200;

    private final Duration duration;
    private final List<String[]> samples = new ArrayList<>();

    Soak(Duration duration) {
        this.duration = duration;
    }

    void run(Report report) throws Exception {
        long start = System.nanoTime();
        try (EtcdCluster etcd = EtcdCluster.builder().members(3).start();
             Client writer = Client.builder().endpoints(etcd.clientUrls().toArray(String[]::new)).build()) {
            System.setProperty("etcd.endpoints", etcd.endpoints());
            System.setProperty("etcd.config.prefixes", PREFIX);
            EtcdConfigSource source = EtcdSources.start();
            Map<String, String> registrySettings = Map.of("etcd.registry.ttl", "5s");
            Map<String, String> expected = new ConcurrentHashMap<>();
            Random random = new Random(42);
            ArrayDeque<Registration> live = new ArrayDeque<>();
            int[] counts = new int[4]; // writes, joins, leaves, faults
            List<String> faults = new ArrayList<>();
            try (ServiceRegistry registrant = Internals.registry(etcd.endpoints(), registrySettings);
                 ServiceRegistry watcher = Internals.registry(etcd.endpoints(), registrySettings)) {
                watcher.instances(SERVICE);
                sample(etcd, "0", counts, faults);
                long end = start + duration.toNanos();
                long nextSample = start + TimeUnit.MINUTES.toNanos(10);
                long nextFault = start + TimeUnit.MINUTES.toNanos(5);
                int tick = 0;
                while (System.nanoTime() < end) {
                    long tickStart = System.nanoTime();
                    // 100 ms ticks: one config write (10/s), one join and one leave (20/s)
                    String key = PREFIX + "k" + random.nextInt(KEYS);
                    String value = "v" + tick;
                    if (put(writer, key, value)) {
                        expected.put(key.substring(PREFIX.length()), value);
                        counts[0]++;
                    }
                    try {
                        live.add(registrant.register(ServiceInstance.of(SERVICE, "10.0." + (tick / 250 % 250) + "." + (tick % 250 + 1), 8000)));
                        counts[1]++;
                    } catch (RuntimeException e) {
                        System.out.println("[soak] join failed (" + e.getMessage() + ")");
                    }
                    if (live.size() > 50) {
                        live.poll().close();
                        counts[2]++;
                    }
                    long now = System.nanoTime();
                    if (now >= nextFault) {
                        faults.add(fault(etcd, writer, counts[3]++));
                        nextFault += TimeUnit.MINUTES.toNanos(5);
                    }
                    if (now >= nextSample) {
                        sample(etcd, Long.toString(TimeUnit.NANOSECONDS.toMinutes(now - start)), counts, faults);
                        nextSample += TimeUnit.MINUTES.toNanos(10);
                    }
                    tick++;
                    long left = TimeUnit.MILLISECONDS.toNanos(100) - (System.nanoTime() - tickStart);
                    if (left > 0) {
                        TimeUnit.NANOSECONDS.sleep(left);
                    }
                }
                // the end: the source holds every acknowledged write, the watcher's view equals etcd's records
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                List<String> lost;
                Set<String> stale;
                do {
                    lost = expected.entrySet().stream().filter(e -> !e.getValue().equals(source.getValue(e.getKey())))
                            .map(Map.Entry::getKey).sorted().toList();
                    stale = difference(watcher, etcd);
                    if (lost.isEmpty() && stale.isEmpty()) {
                        break;
                    }
                    TimeUnit.MILLISECONDS.sleep(200); // poll until caught up, bounded by the deadline
                } while (System.nanoTime() < deadline);
                sample(etcd, TimeUnit.NANOSECONDS.toMinutes(System.nanoTime() - start) + " (end)", counts, faults);
                live.forEach(Registration::close);
                String table = table();
                Files.createDirectories(Path.of("target"));
                Files.writeString(Path.of("target", "soak.md"), table);
                System.out.println(table);
                report.add(Report.fmt("soak: %d min on 3 members, config churn 10/s (%d writes), registry churn 20/s (%d joins,"
                                + " %d leaves), %d faults (%s)", TimeUnit.NANOSECONDS.toMinutes(System.nanoTime() - start), counts[0],
                                counts[1], counts[2], counts[3], String.join(", ", faults)),
                        lost.size() + " lost updates, " + stale.size() + " stale instances", "table in target/soak.md",
                        Double.NaN, "0 and 0", lost.isEmpty() && stale.isEmpty());
                report.note("soak samples (minute: heap after GC MiB, threads, open files, leases on etcd, watchers on etcd):\n\n" + table);
            } finally {
                source.close();
            }
        }
    }

    /** The fault of turn {@code n}: leader SIGKILL (restarted after 5 s), a member restarted, compaction. */
    private static String fault(EtcdCluster etcd, Client writer, int n) throws Exception {
        switch (n % 3) {
            case 0 -> {
                int leader = etcd.leader();
                etcd.kill(leader);
                TimeUnit.SECONDS.sleep(5);
                etcd.start(leader);
                return "leader kill";
            }
            case 1 -> {
                int member = n % etcd.size();
                etcd.stop(member);
                etcd.start(member);
                return "member restart";
            }
            default -> {
                long revision = etcd.ctl().revision();
                etcd.ctl().compact(revision);
                return "compaction";
            }
        }
    }

    private static boolean put(Client writer, String key, String value) {
        for (int attempt = 0; attempt < 30; attempt++) { // a write whose outcome is unknown is repeated (idempotent)
            try {
                writer.getKVClient().put(bytes(key), bytes(value)).get(2, TimeUnit.SECONDS);
                return true;
            } catch (Exception e) {
                System.out.println("[soak] write to " + key + " not acknowledged (" + e + "), again");
            }
        }
        throw new IllegalStateException("write to " + key + " never acknowledged");
    }

    /** Instances the watcher shows that etcd does not hold, and the reverse, by instance id. */
    private static Set<String> difference(ServiceRegistry watcher, EtcdCluster etcd) {
        Set<String> cached = watcher.instances(SERVICE).stream().map(ServiceInstance::instanceId).collect(Collectors.toCollection(TreeSet::new));
        Set<String> inEtcd = etcd.ctl().getPrefix("/services/" + SERVICE + "/").keySet().stream()
                .map(k -> k.substring(k.lastIndexOf('/') + 1)).collect(Collectors.toCollection(TreeSet::new));
        Set<String> out = new TreeSet<>();
        cached.stream().filter(i -> !inEtcd.contains(i)).forEach(i -> out.add("cached only: " + i));
        inEtcd.stream().filter(i -> !cached.contains(i)).forEach(i -> out.add("in etcd only: " + i));
        return out;
    }

    private void sample(EtcdCluster etcd, String minute, int[] counts, List<String> faults) throws Exception {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        long files;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            files = fds.count();
        }
        int leases = etcd.ctl().leaseList().size();
        double watchers = watchers(etcd);
        String[] row = {minute, Report.fmt("%.1f", heap / 1048576.0), Integer.toString(threads), Long.toString(files),
                Integer.toString(leases), Report.fmt("%.0f", watchers), Integer.toString(counts[0]),
                Integer.toString(counts[1]), Integer.toString(faults.size())};
        samples.add(row);
        System.out.println("[soak] " + String.join(" | ", row));
    }

    /** etcd_debugging_mvcc_watcher_total summed over the members that answer. */
    private static double watchers(EtcdCluster etcd) {
        HttpClient http = HttpClient.newHttpClient();
        double sum = 0;
        for (String url : etcd.clientUrls()) {
            try {
                String body = http.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                for (String line : body.split("\n")) {
                    if (line.startsWith("etcd_debugging_mvcc_watcher_total ")) {
                        sum += Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
                    }
                }
            } catch (Exception down) {
                // a member being restarted has no metrics to give
            }
        }
        return sum;
    }

    private String table() {
        StringBuilder out = new StringBuilder("| minute | heap after GC (MiB) | threads | open files | leases on etcd | watchers on etcd"
                + " | config writes | joins | faults so far |\n|---|---|---|---|---|---|---|---|---|\n");
        for (String[] row : samples) {
            out.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return out.toString();
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
