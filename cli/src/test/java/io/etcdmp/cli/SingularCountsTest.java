package io.etcdmp.cli;

import io.etcdmp.testing.LocalEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Counts of one are singular in what the tool prints: 1 key, 1 prefix, 1 change, 1 error. */
@Timeout(60)
class SingularCountsTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.start();

    @Test
    void oneOfAThingIsSingular(@TempDir Path dir) {
        Cli cli = Cli.at(etcd.endpoints());
        Path folder = dir.resolve("folder");
        Folders.write(folder, "config/orders/_keys.properties", "a=1\n");

        Cli.Run validate = cli.run("validate", folder.toString());
        Cli.Run apply = cli.run("apply", folder.toString());
        etcd.put("/config/orders/extra", "x");
        Cli.Run plan = cli.run("plan", folder.toString());
        etcd.put("/config/orders/application.yaml", "b: 2\n");
        Cli.Run export = cli.run("export", "/config/orders/", dir.resolve("exported").toString());
        Folders.write(folder, "config/orders/_keys.properties", "a=1\na..b=2\n");
        Cli.Run invalid = cli.run("validate", folder.toString());
        Cli.Run invalidPlan = cli.run("plan", folder.toString());

        assertThat(validate.out()).as(validate.toString()).contains("Valid: 1 key (0 documents) in 1 prefix\n");
        assertThat(apply.out()).as(apply.toString()).contains("Applied 1 change in one transaction");
        assertThat(plan.out()).as(plan.toString())
                .contains("1 key under the prefixes is not in the folder and stays (--prune deletes it): /config/orders/extra");
        assertThat(export.out()).as(export.toString()).contains(": 2 plain keys, 1 document\n");
        assertThat(invalid.out()).as(invalid.toString()).contains("1 error\n");
        assertThat(invalidPlan.err()).as(invalidPlan.toString()).contains("is not valid: 1 error, nothing written");
    }
}
