package io.etcdmp.cli;

import io.etcdmp.testing.LocalEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** --prefix limits a plan to prefixes of the folder: it never widens what --prune deletes. */
@Timeout(120)
class PrefixOptionTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.start();

    @Test
    void applyPruneWithAPrefixTheFolderDoesNotHoldIsRefusedAndDeletesNothing(@TempDir Path dir) {
        etcd.put("/config/payments/secret.rate", "7");
        etcd.put("/config/other/x", "1");
        Folders.write(dir, "config/orders/_keys.properties", "a=1\n");
        Cli cli = Cli.at(etcd.endpoints());

        Cli.Run other = cli.run("apply", dir.toString(), "--prefix", "/config/payments/", "--prune");
        Cli.Run wider = cli.run("apply", dir.toString(), "--prefix", "/config/", "--prune");

        assertThat(other.code()).as(other.toString()).isEqualTo(1);
        assertThat(other.err()).as(other.toString()).contains("/config/payments/");
        assertThat(wider.code()).as(wider.toString()).isEqualTo(1);
        assertThat(etcd.get("/config/payments/secret.rate")).contains("7");
        assertThat(etcd.get("/config/other/x")).contains("1");
    }

    @Test
    void aPrefixBelowAFolderPrefixStillPlans(@TempDir Path dir) {
        Folders.write(dir, "config/shop/_keys.properties", "db/url=u\nother=1\n");

        Cli.Run plan = Cli.at(etcd.endpoints()).run("plan", dir.toString(), "--prefix", "/config/shop/db/");

        assertThat(plan.code()).as(plan.toString()).isEqualTo(2);
        assertThat(plan.out()).as(plan.toString()).contains("+ /config/shop/db/url").doesNotContain("other");
    }
}
