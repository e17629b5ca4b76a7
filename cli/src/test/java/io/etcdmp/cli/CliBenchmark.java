package io.etcdmp.cli;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcdmp.internal.cli.ToolConnection;
import io.etcdmp.testing.LocalEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The figures of issue 23, each against a same-run baseline (not a test: its name keeps it out of the suite).
 * Run: {@code mvn -f cli/pom.xml package -DskipTests && mvn -f cli/pom.xml test -Dtest=CliBenchmark}; prints a
 * table and writes it to {@code target/cli-benchmark.txt}. The tool runs in this JVM with its connection
 * already open (JVM start and TLS/auth set-up excluded; the third row measures the JVM start on its own).
 */
@Timeout(900)
class CliBenchmark {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.builder().ownCluster().start();
    private static final int WARMUP = 5;
    private static final int RUNS = 20;

    @Test
    void measure(@TempDir Path dir) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Client client = Client.builder().endpoints(etcd.endpoints().split(",")).build();
             ToolConnection held = ToolConnection.open(Map.of(ToolConnection.ENDPOINTS, etcd.endpoints()))) {
            KV kv = client.getKVClient();
            fill(kv, "/config/bench/", 10_000, "value-");
            Cli cli = Cli.at(etcd.endpoints());
            assertThat(cli.run("export", "/config/bench/", dir.toString()).code()).isZero();
            // interleaved, so that a change of the machine's load hits every column alike
            double[] m = interleaved(
                    () -> {
                    Cli.Run run = cli.run("plan", dir.toString());
                    assertThat(run.code()).as(run.toString()).isZero();
                },
                    () -> assertThat(io.etcdmp.cli.core.Planning.plan(held, dir, List.of(), false).plan()
                            .orElseThrow().hasChanges()).isFalse(),
                    () -> readPaginated(kv, "/config/bench/", 5_000));
            rows.add(row("plan of 10,000 unchanged keys", m[0], "paginated get (pages of 5,000)", m[2], 1.5));
            rows.add(row("Planning.plan (the core, no command layer) of 10,000 keys", m[1], "paginated get (pages of 5,000)", m[2], 1.5));

            Path small = Files.createDirectories(dir.resolve("small"));
            fill(kv, "/config/apply/", 100, "a-");
            int[] round = {0};
            double apply = median(() -> {
                Folders.manyKeys(small, "config/apply", 100, -1);
                String suffix = "-" + (round[0]++);
                rewrite(small.resolve("config/apply/_keys.properties"), suffix);
                Cli.Run run = cli.run("apply", small.toString());
                assertThat(run.code()).as(run.toString()).isZero();
                assertThat(run.out()).contains("Applied 100 changes");
            });
            Path planFile = dir.resolve("plan.json");
            double applyPlan = median(() -> {
                rewrite(small.resolve("config/apply/_keys.properties"), "-" + (round[0]++));
                assertThat(cli.run("plan", small.toString(), "--out", planFile.toString()).code()).isEqualTo(2);
            }, () -> {
                Cli.Run run = cli.run("apply", "--plan", planFile.toString());
                assertThat(run.code()).as(run.toString()).isZero();
            });
            double txn = median(() -> {
                String suffix = "-raw-" + (round[0]++);
                Op[] puts = new Op[100];
                for (int i = 0; i < 100; i++) {
                    puts[i] = Op.put(bytes(String.format("/config/apply/key-%05d", i)), bytes("value-" + i + suffix), PutOption.DEFAULT);
                }
                kv.txn().Then(puts).commit().get(10, TimeUnit.SECONDS);
            });
            rows.add(row("apply of 100 changed keys (plan made by the apply)", apply, "one txn of the same 100 puts", txn, 1.2));
            rows.add(row("apply --plan of 100 changed keys (saved plan)", applyPlan, "one txn of the same 100 puts", txn, 1.2));
            assertThat(held.endpoints()).isNotEmpty();
        }
        Path jar = Files.list(Path.of("target")).filter(p -> p.getFileName().toString().matches("etcd-microprofile-cli-.*\\.jar"))
                .filter(p -> !p.getFileName().toString().contains("original")).findFirst().orElse(null);
        if (jar != null) {
            double start = median(3, 5, () -> {
                Process p = new ProcessBuilder("java", "-jar", jar.toString(), "--help").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            });
            rows.add(String.format("| `etcdmp --help`, JVM start to exit (java -jar) | %.0f ms | (report, no bar) | | |", start));
        }
        String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        rows.add("| (load average at the end: " + load + " on " + Runtime.getRuntime().availableProcessors() + " cores) | | | | |");
        String table = "| measured | median | baseline (same run) | median | ratio (bar) |\n|---|---|---|---|---|\n"
                + String.join("\n", rows) + "\n";
        System.out.println(table);
        Files.writeString(Path.of("target/cli-benchmark.txt"), table);
    }

    private static String row(String what, double ms, String baseline, double baseMs, double bar) {
        return String.format("| %s | %.1f ms | %s | %.1f ms | %.2fx (<= %.1fx) |", what, ms, baseline, baseMs, ms / baseMs, bar);
    }

    interface Work {
        void run() throws Exception;
    }

    private static double median(Work work) throws Exception {
        return median(WARMUP, RUNS, work);
    }

    /** The medians of several works run in turn, round after round. */
    private static double[] interleaved(Work... works) throws Exception {
        double[][] ms = new double[works.length][RUNS];
        for (int i = 0; i < WARMUP + RUNS; i++) {
            for (int w = 0; w < works.length; w++) {
                long t = System.nanoTime();
                works[w].run();
                if (i >= WARMUP) {
                    ms[w][i - WARMUP] = (System.nanoTime() - t) / 1e6;
                }
            }
        }
        double[] medians = new double[works.length];
        for (int w = 0; w < works.length; w++) {
            Arrays.sort(ms[w]);
            medians[w] = ms[w][RUNS / 2];
        }
        return medians;
    }

    /** The median of {@code work}, each run after an untimed {@code setup}. */
    private static double median(Work setup, Work work) throws Exception {
        double[] ms = new double[RUNS];
        for (int i = 0; i < WARMUP + RUNS; i++) {
            setup.run();
            long t = System.nanoTime();
            work.run();
            if (i >= WARMUP) {
                ms[i - WARMUP] = (System.nanoTime() - t) / 1e6;
            }
        }
        Arrays.sort(ms);
        return ms[RUNS / 2];
    }

    private static double median(int warmup, int runs, Work work) throws Exception {
        for (int i = 0; i < warmup; i++) {
            work.run();
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            work.run();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return ms[runs / 2];
    }

    private static void fill(KV kv, String prefix, int count, String value) throws Exception {
        for (int from = 0; from < count; from += 100) {
            Op[] puts = new Op[Math.min(100, count - from)];
            for (int i = 0; i < puts.length; i++) {
                int n = from + i;
                puts[i] = Op.put(bytes(String.format("%skey-%05d", prefix, n)), bytes(value + n), PutOption.DEFAULT);
            }
            kv.txn().Then(puts).commit().get(10, TimeUnit.SECONDS);
        }
    }

    private static void readPaginated(KV kv, String prefix, int page) throws Exception {
        ByteSequence from = bytes(prefix);
        ByteSequence end = bytes(prefix.substring(0, prefix.length() - 1) + "0");
        long revision = 0;
        while (true) {
            GetOption.Builder option = GetOption.builder().withRange(end).withLimit(page);
            if (revision > 0) {
                option.withRevision(revision);
            }
            GetResponse r = kv.get(from, option.build()).get(10, TimeUnit.SECONDS);
            revision = r.getHeader().getRevision();
            if (!r.isMore()) {
                return;
            }
            byte[] last = r.getKvs().get(r.getKvs().size() - 1).getKey().getBytes();
            from = ByteSequence.from(Arrays.copyOf(last, last.length + 1));
        }
    }

    private static void rewrite(Path file, String suffix) throws Exception {
        List<String> lines = Files.readAllLines(file);
        Files.write(file, lines.stream().map(l -> l + suffix).toList());
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
