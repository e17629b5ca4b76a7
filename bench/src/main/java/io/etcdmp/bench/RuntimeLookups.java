package io.etcdmp.bench;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code Config.getValue} inside the real runtimes of {@code it/}: runs the it/ build with only each
 * runtime test's lookup step ({@code RuntimeContract.lookupsOfAnEtcdPropertyAndAnInMemoryOneAreTimedInsideTheServer}),
 * with the counts given as system properties; the step boots the server as the runtime test always does,
 * asks its {@code GET /api/lookups} to time both lookups in the server and writes the answer to
 * {@code it/<runtime>/target/lookups-<runtime>.json}, which this reads. One row per runtime: etcd property
 * against two in-memory ones (a source consulted after etcd, one before), all measured in the same server and request.
 */
final class RuntimeLookups {
    /** Runtime (the it/ module and RuntimeContract.runtime()) → what the row calls it. A runtime added to it/ adds one entry. */
    static final Map<String, String> RUNTIMES = new LinkedHashMap<>();
    /** The runtimes of it/'s default reactor (the JDK running the benchmark); the others need a JDK 21+ and their own build. */
    private static final List<String> NEEDS_JDK21 = List.of("helidon");

    static {
        RUNTIMES.put("helidon", "Helidon MP 4.4");
        RUNTIMES.put("payara", "Payara Micro 6.2025.10 (MP Config cache off, as in it/)");
        RUNTIMES.put("liberty", "Open Liberty 26.0.0.3");
        RUNTIMES.put("wildfly", "WildFly 39.0.1 (standalone-microprofile.xml)");
        RUNTIMES.put("quarkus", "Quarkus 3.33.2 (JVM mode, built jar)");
    }

    private final Path it;
    private final Path logs;

    RuntimeLookups(Path repository) {
        this.it = repository.resolve("it");
        this.logs = Path.of("target").toAbsolutePath();
    }

    static List<String> runtimes(boolean quick) {
        // --quick measures none: CI's it/ runs already run this row's test method
        // (lookupsOfAnEtcdPropertyAndAnInMemoryOneAreTimedInsideTheServer) on all five runtimes; booting one again here cost ~3 min
        return quick ? List.of() : List.copyOf(RUNTIMES.keySet());
    }

    void run(boolean quick, Report report) throws Exception {
        List<String> runtimes = runtimes(quick);
        int rounds = 31;
        int warmup = 10;
        int roundMillis = 20;
        for (String runtime : runtimes) {
            Files.deleteIfExists(result(runtime));
        }
        List<String> counts = List.of("-Dit.lookups.rounds=" + rounds, "-Dit.lookups.warmup=" + warmup,
                "-Dit.lookups.round-ms=" + roundMillis);
        List<String> onJdk = runtimes.stream().filter(r -> !NEEDS_JDK21.contains(r)).toList();
        if (!onJdk.isEmpty()) {
            build(onJdk, System.getProperty("java.home"), counts);
        }
        List<String> on21 = runtimes.stream().filter(NEEDS_JDK21::contains).toList();
        if (!on21.isEmpty()) {
            build(on21, jdk21(), counts);
        }
        for (String runtime : runtimes) {
            addRow(runtime, report);
        }
    }

    /** The it/ build of these modules (and what they need), running only the lookup step of each runtime's test. */
    private void build(List<String> modules, String javaHome, List<String> counts) throws Exception {
        List<String> command = new ArrayList<>(List.of("mvn", "-B", "-f", it.resolve("pom.xml").toString(),
                "-pl", String.join(",", modules), "-am", "-fae", "verify",
                "-Dtest=None", "-Dsurefire.failIfNoSpecifiedTests=false",
                "-Dit.test=*IT#lookupsOfAnEtcdPropertyAndAnInMemoryOneAreTimedInsideTheServer",
                "-Dit.failIfNoSpecifiedTests=false"));
        command.addAll(counts);
        Path log = logs.resolve("runtimes-" + String.join("-", modules) + ".log");
        System.out.println("[bench] runtimes " + modules + " (JDK " + javaHome + "): " + String.join(" ", command) + " > " + log);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().put("JAVA_HOME", javaHome);
        Process mvn = builder.start();
        if (!mvn.waitFor(30, TimeUnit.MINUTES)) {
            mvn.destroyForcibly();
            throw new IllegalStateException("the it/ build of " + modules + " did not end within 30 minutes; see " + log);
        }
        if (mvn.exitValue() != 0) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            throw new IllegalStateException("the it/ build of " + modules + " failed (exit " + mvn.exitValue() + "); see " + log
                    + "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
        }
    }

    private Path result(String runtime) {
        return it.resolve(runtime).resolve("target").resolve("lookups-" + runtime + ".json");
    }

    private void addRow(String runtime, Report report) throws IOException {
        Path file = result(runtime);
        if (!Files.exists(file)) {
            throw new IllegalStateException("no result from " + runtime + ": " + file + " was not written");
        }
        JsonObject result = Json.createReader(new StringReader(Files.readString(file, StandardCharsets.UTF_8))).readObject()
                .getJsonObject("result");
        double etcdNs = result.getJsonNumber("etcdNs").doubleValue();
        double memoryNs = result.getJsonNumber("memoryNs").doubleValue();
        double aboveNs = result.getJsonNumber("aboveNs").doubleValue();
        // the stricter of the two baselines: the in-memory source consulted before etcd, or the one after it
        double ratio = Math.max(etcdNs / memoryNs, etcdNs / aboveNs);
        report.add("`Config.getValue` inside " + RUNTIMES.get(runtime) + " (Java " + result.getString("java")
                        + "), the runtime's injected `Config`: etcd property, median of " + result.getInt("rounds") + " rounds of "
                        + result.getInt("lookups") + " lookups",
                Report.fmt("%.1f ns", etcdNs),
                Report.fmt("in-memory property, same loop and request: WAR's `microprofile-config.properties` (after etcd) %.1f ns;"
                        + " a `microprofile-config.properties` at ordinal 280 (before etcd) %.1f ns", memoryNs, aboveNs),
                ratio, "no network per lookup: ≤ 1.5× (the higher of the two); the source's own cost is the JMH row's bar",
                ratio <= 1.5);
        report.note(runtime + ": `" + result.getString("config") + "`; etcd property found " + position(result.getJsonObject("etcd"), result)
                + ", in-memory properties " + position(result.getJsonObject("memory"), result) + " and "
                + position(result.getJsonObject("above"), result) + Report.fmt(" (ratios %.2f× and %.2f×)", etcdNs / memoryNs,
                etcdNs / aboveNs) + "; etcd source class " + etcdSourceClass(result));
    }

    /** Where the runtime found a property: its source's ordinal and its place among the sources it consults. */
    private static String position(JsonObject found, JsonObject result) {
        String source = found.getString("source");
        List<JsonObject> sources = result.getJsonArray("sources").getValuesAs(JsonObject.class);
        int place = 0;
        for (int i = 0; i < sources.size(); i++) {
            if (sources.get(i).getString("name").equals(source) && sources.get(i).getInt("ordinal") == found.getInt("ordinal")) {
                place = i + 1;
                break;
            }
        }
        return "at ordinal " + found.getInt("ordinal") + " (source " + place + " of " + sources.size() + ")";
    }

    private static String etcdSourceClass(JsonObject result) {
        return result.getJsonArray("sources").getValuesAs(JsonObject.class).stream()
                .filter(s -> s.getString("name").startsWith("etcd[")).map(s -> "`" + s.getString("class") + "`")
                .findFirst().orElse("(not listed)");
    }

    /** A JDK 21+ for Helidon: JAVA21_HOME, else the newest under /usr/lib/jvm (as ../test.sh finds it). */
    static String jdk21() throws IOException {
        String set = System.getenv("JAVA21_HOME");
        if (set != null && !set.isBlank()) {
            return set;
        }
        try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
            return jdks.filter(p -> p.getFileName().toString().matches(".*-(2[1-9]|[3-9][0-9])(-.*|\\..*|)$"))
                    .filter(p -> Files.isExecutable(p.resolve("bin/javac")))
                    .max(Comparator.comparing(p -> p.getFileName().toString()))
                    .map(Path::toString)
                    .orElseThrow(() -> new IllegalStateException("Helidon MP 4 needs a JDK 21+: none found under /usr/lib/jvm; "
                            + "set JAVA21_HOME"));
        }
    }
}
