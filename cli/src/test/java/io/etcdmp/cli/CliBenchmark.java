package io.etcdmp.cli;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcdmp.cli.command.Etcdmp;
import io.etcdmp.cli.core.ChangeRecords;
import io.etcdmp.cli.core.Jsonp;
import io.etcdmp.cli.core.Planning;
import io.etcdmp.internal.cli.ToolConnection;
import io.etcdmp.testing.LocalEtcd;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The figures of issue 23, each against a baseline measured in the same run, the two interleaved round by round
 * (so that a change of the machine's load hits both alike). Not a test (its name keeps it out of the suite):
 * {@code ./bench.sh --only=cli} runs it ({@code CliFigures}), or {@code mvn -f cli/pom.xml test -Dtest=CliBenchmark}
 * after {@code mvn -f cli/pom.xml package -DskipTests} (for the JVM start row). Sizes: {@code -Dcli.bench.keys}
 * (10,000), {@code -Dcli.bench.apply-keys} (100), {@code -Dcli.bench.runs} (20), {@code -Dcli.bench.warmup} (30 rounds: the JIT compiles the commands first).
 * Prints a table and writes it to {@code target/cli-benchmark.txt}, the figures to {@code target/cli-benchmark.json}.
 * The commands run in this JVM as {@code etcdmp} would. The main rows hold the library's shared connection open
 * (warm client on both sides: the tool's cost alone); the connecting rows hold none, so the command connects and
 * closes as a command line does, against a baseline that connects with the same factory (and, for context, a plain
 * jetcd client); {@code -Dcli.bench.guard-runs} (10 x runs): rounds of the etcd-only rows. The last row times the
 * JVM start on its own.
 */
@Timeout(1800)
class CliBenchmark {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.builder().ownCluster().start();
    private static final int KEYS = Integer.getInteger("cli.bench.keys", 10_000);
    private static final int APPLY_KEYS = Integer.getInteger("cli.bench.apply-keys", 100);
    private static final int WARMUP = Integer.getInteger("cli.bench.warmup", 30);
    private static final int RUNS = Integer.getInteger("cli.bench.runs", 20);
    private static final int GUARD_RUNS = Integer.getInteger("cli.bench.guard-runs", 10 * RUNS);
    private static final String APPLY_PREFIX = "/config/apply/";

    private final List<String> rows = new ArrayList<>();
    private final JsonArrayBuilder figures = Jsonp.array();

    @Test
    void measure(@TempDir Path dir) throws Exception {
        try (ToolConnection held = ToolConnection.open(Map.of(ToolConnection.ENDPOINTS, etcd.endpoints()))) {
            // the baselines on the tool's own connection (the library's client, which the commands share while it is
            // held open): the figures then differ by what the tool does, not by two clients' threads
            KV kv = held.client().getKVClient();
            Cli cli = Cli.at(etcd.endpoints());
            plan(kv, cli, held, dir.resolve("plan"));
            apply(kv, cli, dir.resolve("apply"), dir.resolve("git"));
            guard(kv);
        }
        connecting(Cli.at(etcd.endpoints()), dir.resolve("connecting"));
        jvmStart();
        String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        rows.add("| (load average at the end: " + load + " on " + Runtime.getRuntime().availableProcessors() + " cores) | | | | |");
        String table = "| measured | median | baseline (same run) | median | ratio (bar) |\n|---|---|---|---|---|\n"
                + String.join("\n", rows) + "\n";
        System.out.println(table);
        Files.writeString(Path.of("target/cli-benchmark.txt"), table);
        Files.writeString(Path.of("target/cli-benchmark.json"), Jsonp.object().add("keys", KEYS).add("applyKeys", APPLY_KEYS)
                .add("runs", RUNS).add("warmup", WARMUP).add("load", load).add("figures", figures).build().toString());
    }

    /** {@code plan} of KEYS unchanged keys (an exported prefix) against a paginated read of the prefix. */
    private void plan(KV kv, Cli cli, ToolConnection held, Path dir) throws Exception {
        fill(kv, "/config/bench/", KEYS, "value-");
        assertThat(cli.run("export", "/config/bench/", dir.toString()).code()).isZero();
        double[] m = interleaved(List.of(
                new Timed(null, () -> {
                    Cli.Run run = cli.run("plan", dir.toString());
                    assertThat(run.code()).as(run.toString()).isZero();
                }),
                new Timed(null, () -> assertThat(Planning.plan(held, dir, List.of(), false).plan().orElseThrow().hasChanges())
                        .isFalse()),
                new Timed(null, () -> readPaginated(kv, "/config/bench/", 5_000))));
        String read = "paginated get of the prefix (pages of 5,000)";
        add("plan", String.format(Locale.ROOT, "`etcdmp plan` of %,d unchanged keys", KEYS), m[0], read, m[2], 1.5);
        add("plan-core", String.format(Locale.ROOT, "`Planning.plan` (the core, no command layer) of %,d keys", KEYS),
                m[1], read, m[2], Double.NaN);
    }

    /**
     * {@code apply} of APPLY_KEYS changed keys: of a saved plan ({@code apply --plan}: the guarded transaction, the
     * issue's bar against one raw transaction of the same puts), and of a folder (which plans first: a read of the
     * prefix, then the transaction; judged against that read plus the raw transaction).
     */
    private void apply(KV kv, Cli cli, Path dir, Path repository) throws Exception {
        fill(kv, APPLY_PREFIX, APPLY_KEYS, "a-");
        Path planFile = dir.resolve("plan.json");
        Path gitPlan = dir.resolve("git-plan.json");
        folder(repository, "git");
        git(repository, "init", "-q");
        git(repository, "add", "-A");
        git(repository, "-c", "user.name=Bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "config");
        int[] round = {0};
        long[][] revisions = {null};
        double[] m = interleaved(List.of(
                new Timed(() -> folder(dir, "d" + round[0]), () -> {
                    Cli.Run run = cli.run("apply", dir.toString());
                    assertThat(run.code()).as(run.toString()).isZero();
                    assertThat(run.out()).contains("Applied " + APPLY_KEYS + " changes");
                }),
                new Timed(() -> {
                    folder(dir, "p" + round[0]);
                    Cli.Run plan = cli.run("plan", dir.toString(), "--out", planFile.toString());
                    assertThat(plan.code()).as(plan.toString()).isEqualTo(2);
                }, () -> {
                    Cli.Run run = cli.run("apply", "--plan", planFile.toString());
                    assertThat(run.code()).as(run.toString()).isZero();
                    assertThat(run.out()).contains("Applied " + APPLY_KEYS + " changes");
                }),
                new Timed(null, () -> rawTxn(kv, "r" + round[0])),
                new Timed(() -> revisions[0] = modRevisions(kv), () -> guardedTxn(kv, revisions[0], "h" + round[0])),
                new Timed(null, () -> {
                    readPaginated(kv, APPLY_PREFIX, 5_000);
                    rawTxn(kv, "g" + round[0]);
                }),
                new Timed(() -> {
                    folder(repository, "q" + round[0]++);
                    Cli.Run plan = cli.run("plan", repository.toString(), "--out", gitPlan.toString());
                    assertThat(plan.code()).as(plan.toString()).isEqualTo(2);
                }, () -> {
                    Cli.Run run = cli.run("apply", "--plan", gitPlan.toString());
                    assertThat(run.code()).as(run.toString()).isZero();
                    assertThat(run.out()).contains("Applied " + APPLY_KEYS + " changes");
                })));
        String txn = String.format(Locale.ROOT, "one txn of the same %d puts", APPLY_KEYS);
        add("apply-plan", String.format(Locale.ROOT, "`etcdmp apply --plan` of %d changed keys (a saved plan: guarded "
                + "txn with the change record)", APPLY_KEYS), m[1], txn, m[2], 1.2);
        add("apply-dir", String.format(Locale.ROOT, "`etcdmp apply <dir>` of %d changed keys (plans first: reads the "
                + "prefix, then the guarded txn; %.2fx the raw txn)", APPLY_KEYS, m[0] / m[2]), m[0],
                "a get of the prefix, then " + txn, m[4], 1.2);
        add("apply-plan-git", String.format(Locale.ROOT, "`etcdmp apply --plan` of %d changed keys, the folder in a git "
                + "work tree (the record names HEAD's commit and author)", APPLY_KEYS), m[5], txn, m[2], Double.NaN);
        // etcd's own cost of what the guard adds (a compare per key, the change record), in no tool's code
        add("apply-guard", String.format(Locale.ROOT, "the same guarded txn built by hand (a mod_revision compare per "
                + "key, the change record apply writes)", APPLY_KEYS), m[3], txn, m[2], Double.NaN);
    }

    /**
     * etcd's own part of the gap, with more rounds than the commands (its ratios are a few percent and the machine
     * is shared): one txn of the puts alone, with a mod_revision compare per key, and with the compares and the
     * change record (what apply sends), in turn.
     */
    private void guard(KV kv) throws Exception {
        int[] round = {0};
        long[][] revisions = {null};
        double[] m = interleaved(List.of(
                new Timed(() -> round[0]++, () -> rawTxn(kv, "s" + round[0])),
                new Timed(() -> revisions[0] = modRevisions(kv), () -> comparedTxn(kv, revisions[0], "c" + round[0])),
                new Timed(() -> revisions[0] = modRevisions(kv), () -> guardedTxn(kv, revisions[0], "t" + round[0]))),
                WARMUP, GUARD_RUNS);
        String txn = String.format(Locale.ROOT, "one txn of the same %d puts", APPLY_KEYS);
        add("etcd-compares", String.format(Locale.ROOT, "etcd alone: the %d puts with a mod_revision compare per key",
                APPLY_KEYS), m[1], txn, m[0], Double.NaN, GUARD_RUNS);
        add("etcd-guard", "etcd alone: the compares and the change record, what apply sends", m[2], txn, m[0], Double.NaN,
                GUARD_RUNS);
    }

    /**
     * {@code apply --plan} as a command line runs it: no connection held, so the command connects (the library's
     * client) and closes; against the same on the raw side: a connection opened by the same factory, the txn, close.
     */
    private void connecting(Cli cli, Path dir) throws Exception {
        Path planFile = dir.resolve("plan.json");
        int[] round = {0};
        Timed command = new Timed(() -> {
            folder(dir, "c" + round[0]);
            Cli.Run plan = cli.run("plan", dir.toString(), "--out", planFile.toString());
            assertThat(plan.code()).as(plan.toString()).isEqualTo(2);
        }, () -> {
            Cli.Run run = cli.run("apply", "--plan", planFile.toString());
            assertThat(run.code()).as(run.toString()).isZero();
            assertThat(run.out()).contains("Applied " + APPLY_KEYS + " changes");
        });
        Timed library = new Timed(null, () -> {
            ToolConnection fresh = ToolConnection.open(Map.of(ToolConnection.ENDPOINTS, etcd.endpoints()));
            rawTxn(fresh.client().getKVClient(), "n" + round[0]);
            closeAside(fresh);
        });
        Timed plain = new Timed(() -> round[0]++, () -> {
            try (io.etcd.jetcd.Client client = io.etcd.jetcd.Client.builder().endpoints(etcd.endpoints().split(",")).build()) {
                rawTxn(client.getKVClient(), "j" + round[0]);
            }
        });
        // as the etcdmp process runs a command: it exits after it, so the connection's close is not waited for
        Etcdmp.processExitsAfterRun(true);
        double[] m;
        try {
            m = interleaved(List.of(command, library, plain), Math.min(WARMUP, 10), RUNS);
        } finally {
            Etcdmp.processExitsAfterRun(false);
        }
        add("apply-connect", String.format(Locale.ROOT, "`etcdmp apply --plan` of %d changed keys, connecting as a command "
                + "line does (its close not waited for: the process exits; JVM start excluded)", APPLY_KEYS), m[0],
                String.format(Locale.ROOT, "connect (the same client factory), one txn of the same %d puts (close not "
                        + "waited for)", APPLY_KEYS), m[1], 1.2);
        add("apply-connect-jetcd", String.format(Locale.ROOT, "`etcdmp apply --plan` of %d changed keys, connecting (as "
                + "above)", APPLY_KEYS), m[0], String.format(Locale.ROOT, "a plain jetcd client: build, one txn of the same "
                + "%d puts, close", APPLY_KEYS), m[2], Double.NaN);
        // what waiting for the library's close costs (Netty's global executor's quiet period), once, for the record
        long t = System.nanoTime();
        ToolConnection.open(Map.of(ToolConnection.ENDPOINTS, etcd.endpoints())).close();
        rows.add(String.format(Locale.ROOT, "| the library's connection: open and close, waiting for its threads to end "
                + "(once) | %.0f ms | (context) | | |", (System.nanoTime() - t) / 1e6));
    }

    /** Closes {@code connection} on a daemon thread, as {@code etcdmp} does before its process exits. */
    private static void closeAside(ToolConnection connection) {
        Thread close = new Thread(connection::close, "bench-close");
        close.setDaemon(true);
        close.start();
    }

    /** The apply keys' puts, each compared with the modification revision it has (no change record). */
    private static void comparedTxn(KV kv, long[] revisions, String suffix) throws Exception {
        Cmp[] compares = new Cmp[APPLY_KEYS];
        Op[] puts = new Op[APPLY_KEYS];
        for (int i = 0; i < APPLY_KEYS; i++) {
            ByteSequence key = bytes(String.format(Locale.ROOT, "%skey-%05d", APPLY_PREFIX, i));
            compares[i] = new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(revisions[i]));
            puts[i] = Op.put(key, bytes("value-" + i + "-" + suffix), PutOption.DEFAULT);
        }
        assertThat(kv.txn().If(compares).Then(puts).commit().get(10, TimeUnit.SECONDS).isSucceeded()).isTrue();
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
    }

    /** The JVM start of {@code etcdmp --help} ({@code java -jar}), when the jar is built: a figure with no bar. */
    private void jvmStart() throws Exception {
        Path jar;
        try (var files = Files.list(Path.of("target"))) {
            jar = files.filter(p -> p.getFileName().toString().matches("etcd-microprofile-cli-.*\\.jar"))
                    .filter(p -> !p.getFileName().toString().contains("original")).findFirst().orElse(null);
        }
        if (jar == null) {
            return;
        }
        double start = interleaved(List.of(new Timed(null, () -> {
            Process p = new ProcessBuilder("java", "-jar", jar.toString(), "--help").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        })), Math.min(WARMUP, 2), Math.min(RUNS, 5))[0];
        rows.add(String.format(Locale.ROOT, "| `etcdmp --help`, JVM start to exit (java -jar) | %.0f ms | (report, no bar) | | |", start));
        figures.add(Jsonp.object().add("id", "jvm-start").add("figure", "`etcdmp --help`: JVM start to exit (`java -jar`)")
                .add("ms", start));
    }

    private void add(String id, String what, double ms, String baseline, double baseMs, double bar) {
        add(id, what, ms, baseline, baseMs, bar, RUNS);
    }

    /** A row whose medians are of {@code runs} rounds (CliFigures names them). */
    private void add(String id, String what, double ms, String baseline, double baseMs, double bar, int runs) {
        rows.add(String.format(Locale.ROOT, "| %s | %.2f ms | %s | %.2f ms | %.2fx (%s) |", what
                + (runs == RUNS ? "" : " (median of " + runs + " rounds)"), ms, baseline, baseMs,
                ms / baseMs, Double.isNaN(bar) ? "no bar" : "<= " + bar + "x"));
        JsonObjectBuilder o = Jsonp.object().add("id", id).add("figure", what).add("ms", ms).add("baseline", baseline)
                .add("baselineMs", baseMs).add("runs", runs);
        if (!Double.isNaN(bar)) {
            o.add("bar", bar);
        }
        figures.add(o);
    }

    interface Work {
        void run() throws Exception;
    }

    /** A timed work and its untimed setup (null: none). */
    record Timed(Work setup, Work work) {
    }

    private static double[] interleaved(List<Timed> works) throws Exception {
        return interleaved(works, WARMUP, RUNS);
    }

    /** The medians of several works run in turn, round after round, each after its untimed setup. */
    private static double[] interleaved(List<Timed> works, int warmup, int runs) throws Exception {
        double[][] ms = new double[works.size()][runs];
        for (int i = 0; i < warmup + runs; i++) {
            for (int w = 0; w < works.size(); w++) {
                Timed timed = works.get(w);
                if (timed.setup() != null) {
                    timed.setup().run();
                }
                long t = System.nanoTime();
                timed.work().run();
                if (i >= warmup) {
                    ms[w][i - warmup] = (System.nanoTime() - t) / 1e6;
                }
            }
        }
        double[] medians = new double[works.size()];
        for (int w = 0; w < works.size(); w++) {
            Arrays.sort(ms[w]);
            medians[w] = ms[w][runs / 2];
        }
        return medians;
    }

    /** The apply folder: APPLY_KEYS plain keys whose values all end with {@code suffix}. */
    private static void folder(Path dir, String suffix) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < APPLY_KEYS; i++) {
            b.append(String.format(Locale.ROOT, "key-%05d=value-%d-%s%n", i, i, suffix));
        }
        Folders.write(dir, "config/apply/_keys.properties", b.toString());
    }

    private static void rawTxn(KV kv, String suffix) throws Exception {
        Op[] puts = new Op[APPLY_KEYS];
        for (int i = 0; i < APPLY_KEYS; i++) {
            puts[i] = Op.put(bytes(String.format(Locale.ROOT, "%skey-%05d", APPLY_PREFIX, i)), bytes("value-" + i + "-" + suffix),
                    PutOption.DEFAULT);
        }
        kv.txn().Then(puts).commit().get(10, TimeUnit.SECONDS);
    }

    /** The modification revisions of the apply keys, as a plan reads them. */
    private static long[] modRevisions(KV kv) throws Exception {
        long[] out = new long[APPLY_KEYS];
        kv.get(bytes(APPLY_PREFIX), GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS).getKvs()
                .forEach(k -> {
                    String key = k.getKey().toString(StandardCharsets.UTF_8);
                    if (key.startsWith(APPLY_PREFIX + "key-")) {
                        out[Integer.parseInt(key.substring(key.length() - 5))] = k.getModRevision();
                    }
                });
        return out;
    }

    /** What apply sends, built by hand: a compare per key, the puts, the change record (absent before) and its put. */
    private static void guardedTxn(KV kv, long[] revisions, String suffix) throws Exception {
        Cmp[] compares = new Cmp[APPLY_KEYS + 1];
        Op[] puts = new Op[APPLY_KEYS + 1];
        List<ChangeRecords.KeyOp> keys = new ArrayList<>();
        for (int i = 0; i < APPLY_KEYS; i++) {
            String name = String.format(Locale.ROOT, "%skey-%05d", APPLY_PREFIX, i);
            ByteSequence key = bytes(name);
            compares[i] = new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(revisions[i]));
            puts[i] = Op.put(key, bytes("value-" + i + "-" + suffix), PutOption.DEFAULT);
            keys.add(new ChangeRecords.KeyOp(name, "put"));
        }
        Instant now = Instant.now();
        ByteSequence recordKey = bytes(ChangeRecords.newKey("/bench-changes/", now));
        compares[APPLY_KEYS] = new Cmp(recordKey, Cmp.Op.EQUAL, CmpTarget.version(0));
        puts[APPLY_KEYS] = Op.put(recordKey, bytes(ChangeRecords.json(now, new ChangeRecords.Author("bench", Optional.empty(),
                "", Optional.empty(), Optional.empty()), "apply", "1/1", keys)), PutOption.DEFAULT);
        assertThat(kv.txn().If(compares).Then(puts).commit().get(10, TimeUnit.SECONDS).isSucceeded()).isTrue();
    }

    private static void fill(KV kv, String prefix, int count, String value) throws Exception {
        for (int from = 0; from < count; from += 100) {
            Op[] puts = new Op[Math.min(100, count - from)];
            for (int i = 0; i < puts.length; i++) {
                int n = from + i;
                puts[i] = Op.put(bytes(String.format(Locale.ROOT, "%skey-%05d", prefix, n)), bytes(value + n), PutOption.DEFAULT);
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

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
