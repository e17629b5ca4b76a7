package io.etcdmp.cli;

import io.etcdmp.testing.LocalEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What apply --plan prints before it writes: the changes the plan showed, never old values it does not have. */
@Timeout(60)
class SavedPlanOutputTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.start();

    @Test
    void applyOfASavedPlanShowsThePlannedChangesAndNoOldValueItCannotKnow(@TempDir Path dir) {
        String doc = "db:\n  timeout: %s\n  user: orders\napi:\n  token: tok-4242-value\nmessage: hello\n";
        etcd.put("/config/orders/application.yaml", doc.formatted("30s"));
        etcd.put("/config/orders/db.password", "old-pw-value");
        etcd.put("/config/orders/db/pool.size", "15");
        etcd.put("/config/orders/db.url", "jdbc:postgresql://db/orders");
        Folders.write(dir, "config/orders/application.yaml", doc.formatted("45s"));
        Folders.write(dir, "config/orders/_keys.properties",
                "db.password=new-pw-value\ndb/pool.size=20\ndb.url=jdbc:postgresql://db/orders\nfeature.x=on\n");
        Path planFile = dir.resolve("plan.json");
        Cli cli = Cli.at(etcd.endpoints());

        Cli.Run plan = cli.run("plan", dir.toString(), "--out", planFile.toString());
        Cli.Run apply = cli.run("apply", "--plan", planFile.toString(), "-m", "pool 20");

        assertThat(plan.code()).as(plan.toString()).isEqualTo(2);
        assertThat(plan.out()).contains("~ /config/orders/application.yaml (document)", "~ db.timeout: 30s -> 45s",
                "~ /config/orders/db/pool.size: 15 -> 20", "~ /config/orders/db.password: (masked) -> (masked)",
                "+ /config/orders/feature.x = on");
        assertThat(apply.code()).as(apply.toString()).isZero();
        assertThat(apply.out()).contains("~ /config/orders/application.yaml (document)", "~ db.timeout -> 45s",
                "~ /config/orders/db/pool.size -> 20", "~ /config/orders/db.password -> (masked)",
                "+ /config/orders/feature.x = on", "1 to add, 3 to change, 0 to delete, 1 unchanged")
                .doesNotContain("null").doesNotContain("api.token").doesNotContain("db.user").doesNotContain("message");
        assertThat(apply.all() + plan.all()).doesNotContain("tok-4242-value").doesNotContain("pw-value");
        assertThat(planFile).content().contains("db.timeout").doesNotContain("30s").doesNotContain("45s")
                .doesNotContain("pw-value").doesNotContain("tok-4242");
        assertThat(etcd.get("/config/orders/db/pool.size")).contains("20");
    }
}
