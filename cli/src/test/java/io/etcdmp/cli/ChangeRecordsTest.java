package io.etcdmp.cli;

import io.etcdmp.testing.LocalEtcd;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Change records of apply and rollback, log, history and rollback through the command line. */
@Timeout(120)
class ChangeRecordsTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.start();
    private Cli cli;

    @BeforeEach
    void cli() {
        cli = Cli.at(etcd.endpoints());
    }

    @Test
    void eachApplyWritesAChangeRecordWithItsRevisionUserMessageGitCommitAndKeysListedNewestFirst(@TempDir Path dir)
            throws Exception {
        Folders.write(dir, "config/orders/_keys.properties", "a=1\n");
        git(dir, "init", "-q");
        git(dir, "-c", "user.name=Alice Example", "-c", "user.email=alice@example.com", "add", ".");
        git(dir, "-c", "user.name=Alice Example", "-c", "user.email=alice@example.com", "commit", "-q", "-m", "config");
        String commit = git(dir, "rev-parse", "HEAD");
        Cli.Run first = cli.run("apply", dir.toString(), "-m", "first change", "-o", "json");
        Folders.write(dir, "config/orders/_keys.properties", "a=2\nb=3\n");
        Cli.Run second = cli.run("apply", dir.toString(), "-m", "second change", "-o", "json");

        Cli.Run log = cli.run("log", "-o", "json");

        assertThat(first.code()).as(first.toString()).isZero();
        assertThat(second.code()).as(second.toString()).isZero();
        assertThat(etcd.getPrefix("/config-changes/")).hasSize(2);
        JsonArray records = Json.createReader(new StringReader(log.out())).readObject().getJsonArray("records");
        assertThat(records).hasSize(2);
        JsonObject newest = records.getJsonObject(0);
        assertThat(newest.getString("message")).isEqualTo("second change");
        assertThat(newest.getJsonNumber("revision").longValue()).isEqualTo(revisionOf(second));
        assertThat(newest.getString("user")).isEqualTo(System.getProperty("user.name"));
        assertThat(newest.getString("gitCommit")).isEqualTo(commit);
        assertThat(newest.getString("gitAuthor")).isEqualTo("Alice Example <alice@example.com>");
        assertThat(newest.getJsonArray("keys").stream().map(k -> k.asJsonObject().getString("key")))
                .containsExactly("/config/orders/a", "/config/orders/b");
        assertThat(records.getJsonObject(1).getString("message")).isEqualTo("first change");
        assertThat(cli.run("log").out()).contains("second change").contains("git " + commit);
        assertThat(cli.run("log", "--prefix", "/config/other/", "-o", "json").out()).contains("\"records\": [").doesNotContain("first");
    }

    @Test
    void rollbackThroughTheCommandLineWritesTheOldValueAgainAndAChangeRecord() {
        etcd.ctl().put("/config/orders/db.url", "jdbc:v1");
        etcd.ctl().put("/config/orders/db.url", "jdbc:v2");
        Cli.Run history = cli.run("history", "/config/orders/", "db.url", "-o", "json");
        assertThat(history.code()).as(history.toString()).isZero();
        JsonArray entries = Json.createReader(new StringReader(history.out())).readObject().getJsonArray("entries");
        assertThat(entries).hasSize(2);
        long v1 = entries.getJsonObject(1).getJsonNumber("modRevision").longValue();
        long v2 = entries.getJsonObject(0).getJsonNumber("modRevision").longValue();
        assertThat(cli.run("history", "/config/orders/", "db.url").out()).contains("jdbc:v1").contains("jdbc:v2");

        Cli.Run stale = cli.run("rollback", "/config/orders/", "db.url", Long.toString(v1), "--expect-mod-revision",
                Long.toString(v1));
        Cli.Run rollback = cli.run("rollback", "/config/orders/", "db.url", Long.toString(v1), "--expect-mod-revision",
                Long.toString(v2), "-m", "v2 broke checkout");

        assertThat(stale.code()).isEqualTo(1);
        assertThat(stale.out()).contains("changed after it was read");
        assertThat(rollback.code()).as(rollback.toString()).isZero();
        assertThat(etcd.get("/config/orders/db.url")).contains("jdbc:v1");
        Map<String, String> records = etcd.getPrefix("/config-changes/");
        assertThat(records).hasSize(1);
        assertThat(records.values().iterator().next()).contains("\"command\":\"rollback\"").contains("v2 broke checkout")
                .contains("/config/orders/db.url");
        assertThat(cli.run("log").out()).contains("etcdmp rollback").contains("rollback to revision " + v1);
    }

    @Test
    void rollbackToRevisionZeroOrBelowIsAUsageErrorNamingTheRevisionAndWritesNothing() {
        etcd.ctl().put("/config/orders/db/pool.size", "10");
        long before = etcd.ctl().revision();

        for (String revision : new String[] {"0", "-5"}) {
            Cli.Run rollback = revision.startsWith("-") ? cli.run("rollback", "/config/orders/", "db/pool.size", "--", revision)
                    : cli.run("rollback", "/config/orders/", "db/pool.size", revision);
            assertThat(rollback.code()).as(rollback.toString()).isEqualTo(1);
            assertThat(rollback.err()).as(rollback.toString()).contains("REVISION " + revision)
                    .contains("positive").doesNotContain("Exception");
        }
        assertThat(etcd.ctl().revision()).as("nothing written").isEqualTo(before);
    }

    @Test
    void rollbackToARevisionLaterThanEtcdsCurrentOneSaysSoAndNotThatItWasCompacted() {
        etcd.ctl().put("/config/orders/db/pool.size", "10");
        long current = etcd.ctl().revision();
        String future = Long.toString(current + 1000);

        Cli.Run rollback = cli.run("rollback", "/config/orders/", "db/pool.size", future);
        Cli.Run json = cli.run("rollback", "/config/orders/", "db/pool.size", future, "-o", "json");

        assertThat(rollback.code()).as(rollback.toString()).isEqualTo(1);
        assertThat(rollback.out()).contains("/config/orders/db/pool.size").contains("revision " + future)
                .contains("later than etcd's current revision").doesNotContain("compacted");
        assertThat(json.code()).as(json.toString()).isEqualTo(1);
        assertThat(Json.createReader(new StringReader(json.out())).readObject().getString("outcome")).isEqualTo("future_revision");
        assertThat(etcd.get("/config/orders/db/pool.size")).contains("10");
    }

    @Test
    void rollbackOfAPropertyNameInsteadOfItsKeySuggestsTheKey() {
        etcd.ctl().put("/config/orders/db/pool.size", "10");
        etcd.ctl().put("/config/orders/db/pool.size", "20");
        Cli.Run history = cli.run("history", "/config/orders/", "db/pool.size", "-o", "json");
        long first = Json.createReader(new StringReader(history.out())).readObject().getJsonArray("entries")
                .getJsonObject(1).getJsonNumber("modRevision").longValue();

        Cli.Run property = cli.run("rollback", "/config/orders/", "db.pool.size", Long.toString(first));
        Cli.Run json = cli.run("rollback", "/config/orders/", "db.pool.size", Long.toString(first), "-o", "json");
        Cli.Run noSuchKey = cli.run("rollback", "/config/orders/", "db.no.such", Long.toString(first));

        assertThat(property.code()).as(property.toString()).isEqualTo(1);
        assertThat(property.out()).contains("etcd key '/config/orders/db.pool.size' had no value at revision " + first
                + ": did you mean db/pool.size? (keys use '/', properties '.')");
        assertThat(json.out()).contains("did you mean db/pool.size?");
        assertThat(noSuchKey.code()).isEqualTo(1);
        assertThat(noSuchKey.out()).contains("had no value at revision " + first).doesNotContain("did you mean");
        assertThat(etcd.get("/config/orders/db/pool.size")).contains("20");
        assertThat(etcd.getPrefix("/config-changes/")).isEmpty();
    }

    private static long revisionOf(Cli.Run apply) {
        return Json.createReader(new StringReader(apply.out())).readObject().getJsonArray("revisions").getJsonNumber(0).longValue();
    }

    private static String git(Path dir, String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 3];
        command[0] = "git";
        command[1] = "-C";
        command[2] = dir.toString();
        System.arraycopy(args, 0, command, 3, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
