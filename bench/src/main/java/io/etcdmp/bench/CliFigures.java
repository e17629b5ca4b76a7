package io.etcdmp.bench;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code etcdmp} figures of issue 23 ({@code --only=cli}): runs cli/'s {@code CliBenchmark} through the cli
 * build (its own etcd, started by the harness; the commands in one JVM with the connection open, JVM start
 * excluded) and reads {@code cli/target/cli-benchmark.json}: {@code plan} of 10,000 keys against a paginated
 * read of the prefix (≤ 1.5×), {@code apply --plan} of 100 changed keys against one raw transaction of the same
 * puts (≤ 1.2×), {@code apply <dir>} (which reads the prefix first) against a read plus that transaction (≤ 1.2×),
 * the JVM start of {@code etcdmp --help} (no bar). {@code --quick}: 1,000 and 20 keys, 3 rounds after 1.
 */
final class CliFigures {
    private final Path cli;
    private final Path logs;

    CliFigures(Path repository) {
        this.cli = repository.resolve("cli");
        this.logs = Path.of("target").toAbsolutePath();
    }

    void run(boolean quick, Report report) throws Exception {
        Path result = cli.resolve("target").resolve("cli-benchmark.json");
        Files.deleteIfExists(result);
        List<String> command = new ArrayList<>(List.of("mvn", "-B", "-q", "-f", cli.resolve("pom.xml").toString(), "test",
                "-Dtest=CliBenchmark", "-Dsurefire.failIfNoSpecifiedTests=false"));
        if (quick) {
            command.addAll(List.of("-Dcli.bench.keys=1000", "-Dcli.bench.apply-keys=20", "-Dcli.bench.runs=3",
                    "-Dcli.bench.warmup=1"));
        }
        Path log = logs.resolve("cli-benchmark.log");
        System.out.println("[bench] cli: " + String.join(" ", command) + " > " + log);
        Process mvn = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        if (!mvn.waitFor(30, TimeUnit.MINUTES)) {
            mvn.destroyForcibly();
            throw new IllegalStateException("the cli benchmark did not end within 30 minutes; see " + log);
        }
        if (mvn.exitValue() != 0 || !Files.exists(result)) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            throw new IllegalStateException("the cli benchmark failed (exit " + mvn.exitValue() + "); see " + log + "\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
        }
        JsonObject o;
        try (JsonReader reader = Json.createReader(new StringReader(Files.readString(result, StandardCharsets.UTF_8)))) {
            o = reader.readObject();
        }
        for (JsonObject f : o.getJsonArray("figures").getValuesAs(JsonObject.class)) {
            double ms = f.getJsonNumber("ms").doubleValue();
            String figure = f.getString("figure") + Report.fmt(", median of %d rounds", f.getInt("runs", o.getInt("runs")));
            if (!f.containsKey("baselineMs")) {
                report.context(figure, Report.ms(ms), "–", Double.NaN);
                continue;
            }
            double base = f.getJsonNumber("baselineMs").doubleValue();
            String baseline = f.getString("baseline") + ", in turn: " + Report.ms(base);
            double ratio = ms / base;
            if (f.containsKey("bar")) {
                double bar = f.getJsonNumber("bar").doubleValue();
                report.add(figure, Report.ms(ms), baseline, ratio, Report.fmt("≤ %.1f×", bar), ratio <= bar);
            } else {
                report.context(figure, Report.ms(ms), baseline, ratio);
            }
        }
    }
}
