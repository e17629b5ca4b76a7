package io.etcdmp.cli;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcdmp.testing.LocalEtcd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** export, plan and apply against a real etcd: round trip, delta only, the guard, prune, the size limits, exit codes. */
@Timeout(120)
class PlanApplyTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.start();
    private static Client client;
    private Cli cli;

    @BeforeAll
    static void connect() {
        client = Client.builder().endpoints(etcd.endpoints().split(",")).build();
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @org.junit.jupiter.api.BeforeEach
    void cli() {
        cli = Cli.at(etcd.endpoints());
    }

    @Test
    void exportThenPlanOfTheExportedFolderShowsNoChange(@TempDir Path dir) throws Exception {
        etcd.put("/config/orders/db.url", "jdbc:postgresql://db/orders");
        etcd.put("/config/orders/db/pool.size", "10");
        etcd.put("/config/orders/greeting", " hello = world: #1\tünïcode\\ ");
        etcd.put("/config/orders/application.yaml", "db:\n  user: app   # kept as written\n");
        etcd.put("/config/other/x", "not exported");

        Cli.Run export = cli.run("export", "/config/orders/", dir.toString());

        assertThat(export.code()).as(export.toString()).isZero();
        assertThat(Files.readString(dir.resolve("config/orders/application.yaml")))
                .isEqualTo("db:\n  user: app   # kept as written\n");
        assertThat(Files.readString(dir.resolve("config/orders/_keys.properties"))).startsWith("db.url=");
        Cli.Run plan = cli.run("plan", dir.toString());
        assertThat(plan.code()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("0 to add, 0 to change, 0 to delete, 4 unchanged");
    }

    @Test
    void aPrefixOfMorePlainKeysThanTheDocumentLimitExportsAndPlansWithNoChange(@TempDir Path dir) throws Exception {
        int count = 5_001; // one more than etcd.config.document-max-properties (5,000): a limit of documents, not of prefixes
        for (int from = 0; from < count; from += 100) {
            io.etcd.jetcd.op.Op[] puts = new io.etcd.jetcd.op.Op[Math.min(100, count - from)];
            for (int i = 0; i < puts.length; i++) {
                puts[i] = io.etcd.jetcd.op.Op.put(bytes(String.format("/config/many/key-%05d", from + i)),
                        bytes("v" + (from + i)), io.etcd.jetcd.options.PutOption.DEFAULT);
            }
            client.getKVClient().txn().Then(puts).commit().get(10, TimeUnit.SECONDS);
        }
        assertThat(cli.run("export", "/config/many/", dir.toString()).code()).isZero();

        Cli.Run plan = cli.run("plan", dir.toString());

        assertThat(plan.code()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("0 to add, 0 to change, 0 to delete, 5001 unchanged");
    }

    @Test
    void applyOfAFolderWhereOneOfAThousandKeysChangedWritesOneKeyAndAWatcherSeesOneEvent(@TempDir Path dir) throws Exception {
        Folders.manyKeys(dir, "config/bulk", 1000, -1);
        assertThat(cli.run("apply", dir.toString(), "--allow-split").code()).isZero(); // 1,000 keys: 8 transactions
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        ByteSequence prefix = bytes("/config/bulk/");
        try (Watch.Watcher watcher = client.getWatchClient().watch(prefix, WatchOption.builder().isPrefix(true).build(),
                r -> events.addAll(r.getEvents()))) {
            Folders.manyKeys(dir, "config/bulk", 1000, 500);

            Cli.Run apply = cli.run("apply", dir.toString(), "--output", "json");

            assertThat(apply.code()).as(apply.toString()).isZero();
            etcd.put("/config/bulk/zz-sentinel", "after the apply");
            await().atMost(Duration.ofSeconds(10)).until(() -> events.stream()
                    .anyMatch(e -> e.getKeyValue().getKey().toString(StandardCharsets.UTF_8).endsWith("zz-sentinel")));
            assertThat(events).hasSize(2);
            assertThat(events.get(0).getKeyValue().getKey().toString(StandardCharsets.UTF_8)).isEqualTo("/config/bulk/key-00500");
        }
        List<KeyValue> all = client.getKVClient().get(prefix, GetOption.builder().isPrefix(true).build())
                .get(10, TimeUnit.SECONDS).getKvs();
        long newest = all.stream().filter(kv -> !kv.getKey().toString(StandardCharsets.UTF_8).endsWith("sentinel"))
                .mapToLong(KeyValue::getModRevision).max().orElseThrow();
        assertThat(all.stream().filter(kv -> kv.getModRevision() == newest)).hasSize(1);
    }

    @Test
    void aKeyChangedBetweenPlanAndApplyRefusesTheWholeApplyAndNamesTheKey(@TempDir Path dir) throws Exception {
        etcd.put("/config/orders/db.url", "old");
        Folders.write(dir, "config/orders/_keys.properties", "db.url=new\nfeature.x=on\n");
        Path planFile = dir.resolve("plan.json");
        assertThat(cli.run("plan", "config", "--out", planFile.toString()).code()).isEqualTo(1); // not a folder
        Cli.Run plan = cli.run("plan", dir.toString(), "--out", planFile.toString());
        assertThat(plan.code()).as(plan.toString()).isEqualTo(2);

        etcd.ctl().put("/config/orders/db.url", "changed by someone");
        Cli.Run apply = cli.run("apply", "--plan", planFile.toString());

        assertThat(apply.code()).as(apply.toString()).isEqualTo(1);
        assertThat(apply.out()).contains("conflict: /config/orders/db.url").contains("outside etcdmp").contains("nothing written");
        assertThat(etcd.get("/config/orders/db.url")).contains("changed by someone");
        assertThat(etcd.get("/config/orders/feature.x")).isEmpty();
        assertThat(etcd.getPrefix("/config-changes/")).isEmpty();
    }

    @Test
    void aConflictNamesTheEtcdmpChangeThatCausedIt(@TempDir Path dir) throws Exception {
        Folders.write(dir, "config/orders/_keys.properties", "db.url=first\n");
        Path planFile = dir.resolve("plan.json");
        assertThat(cli.run("plan", dir.toString(), "--out", planFile.toString()).code()).isEqualTo(2);
        Path other = Files.createDirectories(dir.resolve("../other-" + System.nanoTime()));
        Folders.write(other, "config/orders/_keys.properties", "db.url=hotfix\n");
        assertThat(cli.run("apply", other.toString(), "-m", "hotfix for the outage").code()).isZero();

        Cli.Run apply = cli.run("apply", "--plan", planFile.toString());

        assertThat(apply.code()).isEqualTo(1);
        assertThat(apply.out()).contains("conflict: /config/orders/db.url").contains("hotfix for the outage");
        assertThat(etcd.get("/config/orders/db.url")).contains("hotfix");
    }

    @Test
    void aSavedPlanIsAppliedOnlyToTheFolderContentAndTheEtcdItWasMadeFor(@TempDir Path dir) {
        Folders.write(dir, "config/orders/_keys.properties", "db.url=reviewed\n");
        Path planFile = dir.resolve("plan.json");
        assertThat(cli.run("plan", dir.toString(), "--out", planFile.toString()).code()).isEqualTo(2);
        Folders.write(dir, "config/orders/_keys.properties", "db.url=not what was reviewed\n");

        Cli.Run changedFolder = cli.run("apply", "--plan", planFile.toString());
        Cli.Run otherEtcd = new Cli("--endpoints", "http://127.0.0.1:1").run("apply", "--plan", planFile.toString());

        assertThat(changedFolder.code()).isEqualTo(1);
        assertThat(changedFolder.err()).contains("changed since the plan was saved: key /config/orders/db.url");
        assertThat(otherEtcd.code()).isEqualTo(1);
        assertThat(otherEtcd.err()).contains("was made against etcd at " + etcd.endpoints());
        assertThat(etcd.get("/config/orders/db.url")).isEmpty();
        assertThat(planFile).content().doesNotContain("reviewed");
    }

    @Test
    void pruneDeletesKeysMissingFromTheFolderOnlyWithTheFlag(@TempDir Path dir) {
        etcd.put("/config/orders/legacy", "x");
        etcd.put("/config/orders/kept", "k");
        etcd.put("/config/other/untouched", "u");
        Folders.write(dir, "config/orders/_keys.properties", "kept=k\n");

        Cli.Run plan = cli.run("plan", dir.toString());
        Cli.Run apply = cli.run("apply", dir.toString());

        assertThat(plan.code()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("0 to delete").contains("/config/orders/legacy").contains("--prune");
        assertThat(apply.code()).isZero();
        assertThat(etcd.get("/config/orders/legacy")).contains("x");

        Cli.Run pruned = cli.run("apply", dir.toString(), "--prune");

        assertThat(pruned.code()).as(pruned.toString()).isZero();
        assertThat(pruned.out()).contains("- /config/orders/legacy");
        assertThat(etcd.get("/config/orders/legacy")).isEmpty();
        assertThat(etcd.get("/config/orders/kept")).contains("k");
        assertThat(etcd.get("/config/other/untouched")).contains("u");
    }

    @Test
    void aChangeOverEtcdsTransactionLimitIsRefusedWithTheNumbersUnlessSplitIsAllowed(@TempDir Path dir) {
        Folders.manyKeys(dir, "config/big", 200, -1);

        Cli.Run refused = cli.run("apply", dir.toString());

        assertThat(refused.code()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.out()).contains("200 keys need 201 operations").contains("--max-txn-ops 128")
                .contains("Nothing written").contains("--allow-split");
        assertThat(etcd.getPrefix("/config/big/")).isEmpty();

        Cli.Run split = cli.run("apply", dir.toString(), "--allow-split");

        assertThat(split.code()).as(split.toString()).isZero();
        assertThat(split.out()).contains("in 2 transactions (not atomic");
        assertThat(etcd.getPrefix("/config/big/")).hasSize(200);
        assertThat(etcd.getPrefix("/config-changes/")).hasSize(2);
    }

    @Test
    void exitCodesAreZeroForNoChangeTwoForPendingChangesAndOneForErrors(@TempDir Path dir) {
        Folders.write(dir, "config/orders/_keys.properties", "a=1\n");
        assertThat(cli.run("plan", dir.toString()).code()).isEqualTo(2);
        assertThat(cli.run("apply", dir.toString()).code()).isZero();
        assertThat(cli.run("plan", dir.toString()).code()).isZero();
        assertThat(cli.run("apply", dir.toString()).code()).isZero(); // nothing to do

        Folders.write(dir, "config/orders/broken.yaml", "a: [1, 2\n");
        Cli.Run invalid = cli.run("plan", dir.toString());
        assertThat(invalid.code()).isEqualTo(1);
        assertThat(invalid.err()).contains("broken.yaml").contains("line ");

        Cli.Run usage = Cli.raw("plan", "--no-such-option", dir.toString());
        assertThat(usage.code()).isEqualTo(1);
        Cli.Run unreachable = new Cli("--endpoints", "http://127.0.0.1:1", "--request-timeout", "1s")
                .run("log");
        assertThat(unreachable.code()).as(unreachable.toString()).isEqualTo(1);
        assertThat(unreachable.err()).contains("127.0.0.1:1");
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
