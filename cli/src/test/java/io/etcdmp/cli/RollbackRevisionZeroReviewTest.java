package io.etcdmp.cli;

import io.etcdmp.testing.LocalEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review finding: {@code etcdmp rollback PREFIX NAME 0} is now refused by ConfigStore.rollback with an
 * IllegalArgumentException, which the command line prints with its Java class name (Etcdmp.message lists
 * IllegalArgumentException among the unexpected failures), unlike every other refusal of the tool.
 */
@Timeout(60)
class RollbackRevisionZeroReviewTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.start();

    @Test
    void rollbackToRevisionZeroIsRefusedInWordsWithoutAJavaClassName() {
        etcd.ctl().put("/config/orders/db/pool.size", "10");

        Cli.Run rollback = Cli.at(etcd.endpoints()).run("rollback", "/config/orders/", "db/pool.size", "0");

        assertThat(rollback.code()).as(rollback.toString()).isEqualTo(1);
        assertThat(rollback.err()).contains("a revision is a positive number").doesNotContain("IllegalArgumentException");
        assertThat(etcd.get("/config/orders/db/pool.size")).contains("10");
    }
}
