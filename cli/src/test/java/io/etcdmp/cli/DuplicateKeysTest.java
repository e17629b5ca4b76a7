package io.etcdmp.cli;

import io.etcdmp.testing.LocalEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A key defined twice in one _keys.properties is an error of validate, plan and apply, naming the file, key and lines. */
@Timeout(60)
class DuplicateKeysTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.start();

    @Test
    void aKeyDefinedTwiceInOneFileIsRefusedWithBothLinesAndNothingIsWritten(@TempDir Path dir) {
        Folders.write(dir, "config/application/_keys.properties", "log.level=DEBUG\ngreeting=hi\nlog.level=WARN\n");
        Cli cli = Cli.at(etcd.endpoints());

        Cli.Run validate = cli.run("validate", dir.toString());
        Cli.Run plan = cli.run("plan", dir.toString());
        Cli.Run apply = cli.run("apply", dir.toString());

        String expected = "config/application/_keys.properties: key 'log.level' is defined twice, on lines 1 and 3";
        assertThat(validate.code()).as(validate.toString()).isEqualTo(1);
        assertThat(validate.err()).contains(expected);
        assertThat(plan.code()).as(plan.toString()).isEqualTo(1);
        assertThat(plan.err()).contains(expected);
        assertThat(apply.code()).as(apply.toString()).isEqualTo(1);
        assertThat(apply.err()).contains(expected);
        assertThat(etcd.getPrefix("/config/")).isEmpty();
    }

    @Test
    void linesAreLogicalLinesOfThePropertiesFormat(@TempDir Path dir) {
        Folders.write(dir, "config/orders/_keys.properties", String.join("\n",
                "# log.level=commented out",
                "! log.level=also a comment",
                "message=first part \\",
                "    log.level=continued, part of the message",
                "  log.level = DEBUG\r",
                "other : 1",
                "log.level:WARN",
                "feature.x on",
                "feature.x=off",
                "db\\u002Eurl=jdbc:a",
                "db.url=jdbc:b",
                "ti\\me=1",
                ""));

        Cli.Run validate = Cli.at(etcd.endpoints()).run("validate", dir.toString());

        assertThat(validate.code()).as(validate.toString()).isEqualTo(1);
        assertThat(validate.err()).contains("key 'log.level' is defined twice, on lines 5 and 7")
                .contains("key 'feature.x' is defined twice, on lines 8 and 9")
                .contains("key 'db.url' is defined twice, on lines 10 and 11")
                .doesNotContain("'message'").doesNotContain("'time'").doesNotContain("'other'");
        assertThat(validate.out()).contains("3 error");
    }
}
