package io.etcdmp.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcdmp.testing.EtcdCluster;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs every benchmark against a local etcd it starts and prints one table: figure, baseline measured
 * in the same run, ratio, bar, pass/miss. {@code --quick} runs each with tiny counts: it checks that
 * the harness works and produces every row, not the numbers. Writes the table to
 * {@code target/bench-results.md} too.
 */
public final class BenchMain {
    /** Rows of a whole run besides one per runtime of {@link RuntimeLookups#runtimes}: 29 here, 11 of cli/'s CliBenchmark. */
    static final int ROWS = 40;
    static final String ALL = "lookup,metrics,change,startup,cache,registry,threads,restclient,grpc,registry-scale,cli,runtimes";

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        for (String arg : args) { // bench.sh passes its arguments after the main class: -Dname=value sets a size here
            int eq = arg.indexOf('=');
            if (arg.startsWith("-D") && eq > 2) {
                System.setProperty(arg.substring(2, eq), arg.substring(eq + 1));
            }
        }
        boolean quick = List.of(args).contains("--quick");
        String only = List.of(args).stream().filter(a -> a.startsWith("--only=")).map(a -> a.substring(7))
                .findFirst().orElse(ALL);
        java.util.Set<String> figures = java.util.Set.of(only.split(","));
        if (quick && !only.equals(ALL) && figures.contains("runtimes")) {
            System.err.println("[bench] --quick has no runtimes row (it/ runs its test method on every runtime): run"
                    + " ./bench.sh --only=runtimes");
            System.exit(2);
        }
        long started = System.nanoTime();
        Report report = new Report();
        String machine = machine();
        String loadBefore = load();
        System.out.println("[bench] " + (quick ? "QUICK mode (checks the harness, not the numbers); " : "") + machine);
        try (EtcdCluster etcd = EtcdCluster.start()) {
            String endpoint = etcd.endpoint(0);
            System.setProperty("etcd.endpoints", endpoint);
            if (figures.contains("lookup")) {
                seedLookup(endpoint);
                lookups(endpoint, quick, report);
                // the other rows' applications read /config/application/ without the encryption key: a value they
                // cannot decrypt would fail their (strict) start
                try (Client client = Client.builder().endpoints(endpoint).build()) {
                    client.getKVClient().delete(ByteSequence.from(ConfigLookupBenchmark.PREFIX
                            + ConfigLookupBenchmark.ENCRYPTED_PROPERTY, StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
                }
            }
            if (figures.contains("metrics")) {
                new MetricsCost().run(endpoint, quick, report);
            }
            if (figures.contains("change")) {
                new ChangeLatency().run(endpoint, quick ? 300 : 2_000, report);
            }
            if (figures.contains("startup")) {
                new StartupLoad().run(endpoint, quick ? 1_000 : 10_000, quick ? 5 : 21, report);
                new StartupLoad().run(endpoint, quick ? 5_000 : 100_000, quick ? 1 : 5, report);
            }
            if (figures.contains("cache")) {
                new CacheStartup().run(endpoint, quick ? 1_000 : 10_000, quick ? 3 : 11, report);
                new CacheWriteLatency().run(endpoint, quick ? 1_000 : 10_000, quick ? 40 : 1_000, report);
            }
            if (figures.contains("registry")) {
                new RegistryLatency().run(etcd, quick ? 100 : 500, quick ? 1 : 5, classpath(), report);
            }
            if (figures.contains("threads")) {
                threads(endpoint, report);
            }
            if (figures.contains("report-wave")) { // not in ALL: --only=report-wave, -Dwave.instances, -Dwave.interval (ms)
                new ReportWave(Integer.getInteger("wave.instances", quick ? 200 : 2_000),
                        Duration.ofMillis(Long.getLong("wave.interval", 5_000))).run(endpoint, report);
            }
            if (figures.contains("restclient")) {
                filterCost(endpoint, quick, report);
                restClient(endpoint, quick, report);
            }
            if (figures.contains("grpc")) {
                new GrpcResolverCost().run(endpoint, quick ? 2_000 : 20_000, report);
            }
        }
        if (figures.contains("registry-scale")) {
            // its own 3-member cluster; sizes: -Dscale.instances, -Dscale.services, -Dscale.jvms, -Dscale.churn, -Dscale.churn-seconds
            new RegistryScale(Integer.getInteger("scale.instances", quick ? 200 : 10_000),
                    Integer.getInteger("scale.services", quick ? 20 : 1_000), Integer.getInteger("scale.jvms", quick ? 2 : 4),
                    Integer.getInteger("scale.churn", quick ? 20 : 200), Integer.getInteger("scale.churn-seconds", quick ? 3 : 60))
                    .run(classpath(), report);
        }
        if (figures.contains("cli")) { // etcdmp plan/apply: cli/'s CliBenchmark through the cli build, with its own etcd
            new CliFigures(Path.of("..").toAbsolutePath().normalize()).run(quick, report);
        }
        if (figures.contains("soak")) { // not in ALL, so neither in a full run nor in CI: --only=soak, -Dsoak.minutes (60)
            new Soak(Duration.ofMinutes(Long.getLong("soak.minutes", 60))).run(report);
        }
        if (figures.contains("runtimes")) {
            // last: the it/ build it runs rebuilds ../target/classes, which the figures above have on their class path
            new RuntimeLookups(Path.of("..").toAbsolutePath().normalize()).run(quick, report);
        }
        String table = report.table();
        String when = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        String text = "Run " + when + (quick ? " (QUICK mode: counts too small for the numbers to mean anything)" : "")
                + "\n" + machine + "; load average before the run: " + loadBefore + ", after: " + load() + "\n\n" + table
                + "\n\nWhole run: " + (System.nanoTime() - started) / 1_000_000_000 + " s\n";
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "bench-results.md"), text);
        System.out.println();
        System.out.println(text);
        int expected = ROWS + RuntimeLookups.runtimes(quick).size();
        if (only.equals(ALL) && report.rows().size() != expected) {
            System.out.println("[bench] FAILED: " + report.rows().size() + " rows, expected " + expected);
            System.exit(2);
        }
        // a row with a bar that misses fails the run. --quick (CI's check that every row runs) lists its misses but does
        // not fail on them: at its tiny counts on a shared 2-core machine a timing bar misses by chance (a p99 of 100
        // samples is one GC pause), and a check that fails by chance is a flaky test
        List<Report.Row> misses = report.misses();
        if (!misses.isEmpty()) {
            System.out.println("[bench] " + (quick ? "MISSED at --quick counts (not judged there; ./bench.sh judges): "
                    : "FAILED: ") + misses.size() + " row(s) missed their bar: " + misses.stream().map(Report.Row::figure).toList());
            if (!quick) {
                System.exit(1);
            }
        }
    }

    private static void seedLookup(String endpoint) throws Exception {
        try (Client client = Client.builder().endpoints(endpoint).build()) {
            put(client, ConfigLookupBenchmark.PREFIX + ConfigLookupBenchmark.ETCD_PROPERTY);
            put(client, ConfigLookupBenchmark.REMOTE_PREFIX + ConfigLookupBenchmark.REMOTE_PROPERTY);
            client.getKVClient().put(ByteSequence.from(ConfigLookupBenchmark.PREFIX + ConfigLookupBenchmark.ENCRYPTED_PROPERTY,
                    StandardCharsets.UTF_8), ByteSequence.from(Internals.encrypted(ConfigLookupBenchmark.KEY,
                    ConfigLookupBenchmark.VALUE), StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
        }
    }

    private static void put(Client client, String key) throws Exception {
        client.getKVClient().put(ByteSequence.from(key, StandardCharsets.UTF_8),
                ByteSequence.from(ConfigLookupBenchmark.VALUE, StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
    }

    private static void lookups(String endpoint, boolean quick, Report report) throws Exception {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(ConfigLookupBenchmark.class.getName() + "\\.")
                .forks(1)
                .threads(1)
                .jvmArgs("-Xms512m", "-Xmx512m", "-Detcd.endpoints=" + endpoint);
        if (quick) {
            options.warmupIterations(1).warmupTime(TimeValue.milliseconds(200))
                    .measurementIterations(2).measurementTime(TimeValue.milliseconds(200));
        } else {
            options.warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(2));
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        Map<String, double[]> scores = new HashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            scores.put(name.substring(name.lastIndexOf('.') + 1) + "@" + r.getParams().getParam("etcdPosition"),
                    new double[] {r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
        }
        if (scores.size() != 8) {
            throw new IllegalStateException("JMH produced " + scores.keySet() + ", expected 4 benchmarks x 2 positions");
        }
        double[] etcd = scores.get("etcdSource@first");
        double[] memory = scores.get("inMemorySource@second");
        double[] etcdSecond = scores.get("etcdSource@second");
        double[] memorySecond = scores.get("inMemorySource@first");
        double[] remote = scores.get("remoteGetPerLookup@first");
        String etcdText = Report.fmt("%.1f ± %.1f ns", etcd[0], etcd[1]);
        report.add("`Config.getValue` of an etcd-backed property (SmallRye Config, JMH; each source first in the `Config`)",
                etcdText, Report.fmt("in-memory properties source, same position: %.1f ± %.1f ns", memory[0], memory[1]),
                etcd[0] / memory[0], "≤ 1.5×", etcd[0] <= 1.5 * memory[0]);
        report.note(Report.fmt("`Config.getValue` with each source second (after a miss in the other): etcd %.1f ± %.1f ns,"
                + " in-memory %.1f ± %.1f ns (%.2f×)", etcdSecond[0], etcdSecond[1], memorySecond[0], memorySecond[1],
                etcdSecond[0] / memorySecond[0]));
        double[] encrypted = scores.get("etcdEncryptedSource@first");
        report.add("`Config.getValue` of an encrypted etcd property (`${aes-gcm-nopadding::...}`, clear text kept until it "
                + "changes; JMH)", Report.fmt("%.1f ± %.1f ns", encrypted[0], encrypted[1]),
                Report.fmt("plain etcd property, same source: %.1f ± %.1f ns", etcd[0], etcd[1]),
                encrypted[0] / etcd[0], "≤ 1.5× (cached)", encrypted[0] <= 1.5 * etcd[0]);
        double faster = remote[0] / etcd[0];
        report.add("same, against one etcd get per lookup (JMH)", etcdText,
                Report.fmt("remote get per lookup: %.0f ± %.0f ns", remote[0], remote[1]),
                faster, "≥ 1000× faster (ratio = baseline / measured)", faster >= 1000);
    }

    private static void threads(String endpoint, Report report) throws Exception {
        Process app = new ProcessBuilder(javaCommand(), "-Xmx256m", "-cp", classpath().toString(),
                ThreadsApp.class.getName(), endpoint).redirectErrorStream(true).start();
        List<String> added = new ArrayList<>();
        List<String> left = new ArrayList<>();
        boolean done = false;
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                output.add(line);
                if (line.startsWith("ADDED ")) {
                    added.add(line.substring(6));
                } else if (line.startsWith("LEFT ")) {
                    left.add(line.substring(5));
                } else if (line.equals("DONE")) {
                    done = true;
                }
            }
        }
        if (!app.waitFor(60, TimeUnit.SECONDS) || !done) {
            app.destroyForcibly();
            throw new IllegalStateException("the threads app failed:\n" + String.join("\n", output));
        }
        long unnamed = added.stream().filter(n -> n.endsWith(" UNNAMED")).count();
        boolean pass = added.size() <= 8 && unnamed == 0 && left.isEmpty();
        report.add("threads added to a Weld SE app using everything", added.size() + " added, " + unnamed
                + " unnamed, " + left.size() + " left after stop", "–", Double.NaN, "≤ 8, all named, 0 after stop", pass);
        report.note("threads added: " + String.join(", ", added) + (left.isEmpty() ? "" : "; left after stop: " + String.join(", ", left)));
    }

    /** The Rest Client filter's own cost per by-name request (JMH, {@link FilterBenchmark}). */
    private static void filterCost(String endpoint, boolean quick, Report report) throws Exception {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(FilterBenchmark.class.getName() + "\\.")
                .forks(1)
                .threads(1)
                .jvmArgs("-Xms512m", "-Xmx512m", "-Detcd.endpoints=" + endpoint);
        if (quick) {
            options.warmupIterations(2).warmupTime(TimeValue.milliseconds(500))
                    .measurementIterations(2).measurementTime(TimeValue.milliseconds(500));
        } else {
            options.warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(2));
        }
        Map<String, double[]> scores = new HashMap<>();
        for (RunResult r : new Runner(options.build()).run()) {
            String name = r.getParams().getBenchmark();
            scores.put(name.substring(name.lastIndexOf('.') + 1),
                    new double[] {r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
        }
        double[] byName = scores.get("byName");
        double[] direct = scores.get("direct");
        if (byName == null || direct == null) {
            throw new IllegalStateException("JMH produced " + scores.keySet() + ", expected byName and direct");
        }
        report.add("the Rest Client filter alone, one request by service name: request + response filter (name read, instance"
                        + " chosen from the cache, URI rebuilt; round-robin: nothing counted in flight; JMH)",
                Report.fmt("%.0f ± %.0f ns", byName[0], byName[1]),
                Report.fmt("a direct `http://` request through the same filter (passed untouched): %.0f ± %.0f ns", direct[0], direct[1]),
                byName[0] / direct[0], "≤ 1,000 ns", byName[0] <= 1000);
    }

    /** The MicroProfile Rest Client figures, measured by {@link RestClientApp} in its own JVM. */
    private static void restClient(String endpoint, boolean quick, Report report) throws Exception {
        int requests = quick ? 2_000 : 20_000;
        // TCP_NODELAY on the JDK HTTP server of the called instances: it writes headers and body apart, and with
        // Nagle's algorithm a reused connection waits ~40 ms for the client's delayed ACK on every response
        Process app = new ProcessBuilder(javaCommand(), "-Xmx256m", "-Dsun.net.httpserver.nodelay=true", "-cp",
                classpath().toString(), RestClientApp.class.getName(), endpoint, Integer.toString(requests), "2")
                .redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                output.add(line);
            }
        }
        String[] cost = output.stream().filter(l -> l.startsWith("COST ")).findFirst().map(l -> l.split(" ")).orElse(null);
        String[] drain = output.stream().filter(l -> l.startsWith("DRAIN ")).findFirst().map(l -> l.split(" ")).orElse(null);
        if (!app.waitFor(120, TimeUnit.SECONDS) || cost == null || drain == null || !output.contains("DONE")) {
            app.destroyForcibly();
            throw new IllegalStateException("the Rest Client app failed:\n" + String.join("\n", output));
        }
        double etcdMs = Long.parseLong(cost[1]) / 1e6;
        double httpMs = Long.parseLong(cost[2]) / 1e6;
        report.add("one request by service name (`http://<service>.etcd`, the `etcd://` figure) through MP Rest Client (RESTEasy, Weld SE), median of " + cost[3],
                Report.ms(etcdMs), "direct `http://` request, same client implementation, in turn: " + Report.ms(httpMs),
                etcdMs / httpMs, "≤ 1.05×", etcdMs <= 1.05 * httpMs);
        long requestsSent = Long.parseLong(drain[1]);
        long afterUpdate = Long.parseLong(drain[3]);
        long failed = Long.parseLong(drain[4]);
        report.add("drain (drain-time 2 s), a caller looping through the Rest Client: requests to the stopping instance"
                        + " started after its DRAINING reached the caller's cache; failed requests",
                afterUpdate + " after the update; " + failed + " failed", requestsSent + " requests in all, " + drain[2]
                        + " to the stopping instance; DRAINING written → caller's cache updated " + drain[5] + " ms",
                Double.NaN, "0 and 0", afterUpdate == 0 && failed == 0);
    }

    static Path classpath() {
        return Path.of(System.getProperty("java.class.path"));
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String machine() {
        Runtime rt = Runtime.getRuntime();
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return Report.fmt("%d cores, %.1f GiB memory, %s %s (%s), %s", rt.availableProcessors(), memory / 1073741824.0,
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"), etcdVersion());
    }

    private static String etcdVersion() {
        try {
            Process p = new ProcessBuilder(System.getenv().getOrDefault("ETCD_BINARY", "/usr/bin/etcd"), "--version")
                    .redirectErrorStream(true).start();
            String first = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
            p.waitFor(5, TimeUnit.SECONDS);
            return first.replace("etcd Version: ", "etcd ");
        } catch (Exception e) {
            return "etcd ?";
        }
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return Report.fmt("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }
}
