package io.etcdmp.cli;

import io.etcdmp.testing.EtcdCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** --allow-split: when a later part fails, the user is told which parts were written (the change is half applied). */
@Timeout(120)
class SplitFailureTest {
    private static EtcdCluster etcd;

    @BeforeAll
    static void start() {
        etcd = EtcdCluster.builder().extraArgs("--max-request-bytes=65536").start(); // refuses the second part
    }

    @AfterAll
    static void stop() {
        etcd.close();
    }

    @Test
    void aSecondPartRefusedByEtcdIsReportedWithThePartsAlreadyWritten(@TempDir Path dir) {
        Folders.write(dir, "config/split/_keys.properties", "a=1\nb=2\nc=" + "x".repeat(100_000) + "\nd=4\n");

        Cli.Run apply = Cli.at(etcd.endpoints()).run("apply", dir.toString(), "--allow-split", "--max-txn-ops", "3");

        assertThat(apply.code()).as(apply.toString()).isEqualTo(1);
        assertThat(etcd.ctl().get("/config/split/a")).as("part 1 was written").contains("1");
        assertThat(apply.err()).as(apply.toString()).contains("Part 1 of 2 was written").contains("not atomic");
    }
}
