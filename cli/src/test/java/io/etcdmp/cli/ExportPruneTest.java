package io.etcdmp.cli;

import io.etcdmp.testing.LocalEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What export writes, plan reads back: a plan --prune of an exported folder deletes nothing. */
@Timeout(120)
class ExportPruneTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.start();

    @Test
    void aKeyListedInDocumentsWithoutADocumentExtensionIsNotDeletedByAPruneOfTheExport(@TempDir Path dir) {
        etcd.put("/config/exp/settings", "a: 1");
        etcd.put("/config/exp/x", "1");
        Cli cli = Cli.at(etcd.endpoints());

        Cli.Run export = cli.run("export", "/config/exp/", dir.toString(), "--documents", "settings");
        Cli.Run plan = cli.run("plan", dir.toString(), "--prune");

        assertThat(export.code()).as(export.toString()).isZero();
        assertThat(plan.code()).as(plan.toString()).isZero();
        assertThat(plan.out()).as(plan.toString()).contains("0 to add, 0 to change, 0 to delete, 2 unchanged");
    }
}
