package io.etcdmp.cli;

import io.etcdmp.testing.LocalEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Secrets that a review found printed: a document's text in history, a file outside the folder through a link. */
@Timeout(120)
class SecretLeakTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.start();

    @Test
    void historyOfADocumentKeyNeverPrintsThePasswordInsideIt() {
        etcd.put("/config/leak/application.yaml", "db:\n  password: hunter2-v1\n");
        etcd.put("/config/leak/application.yaml", "db:\n  password: hunter2-v2\n");
        Cli cli = Cli.at(etcd.endpoints());

        Cli.Run table = cli.run("history", "/config/leak/", "application.yaml");
        Cli.Run json = cli.run("history", "/config/leak/", "application.yaml", "-o", "json");

        assertThat(table.code()).as(table.toString()).isZero();
        assertThat(json.code()).as(json.toString()).isZero();
        assertThat(table.all()).as(table.toString()).doesNotContain("hunter2");
        assertThat(json.all()).as(json.toString()).doesNotContain("hunter2");
    }

    @Test
    void effectiveOfAnApplicationNotListingADocumentNeverPrintsThePasswordInsideIt() {
        etcd.put("/config/leakapp/application.yaml", "db:\n  password: yamlsecret\n");
        Cli cli = Cli.at(etcd.endpoints());

        Cli.Run table = cli.run("effective", "--app", "leakapp");
        Cli.Run json = cli.run("effective", "--app", "leakapp", "-o", "json");

        assertThat(table.code()).as(table.toString()).isZero();
        assertThat(json.code()).as(json.toString()).isZero();
        assertThat(table.all()).as(table.toString()).contains("application.yaml").doesNotContain("yamlsecret");
        assertThat(json.all()).as(json.toString()).contains("application.yaml").doesNotContain("yamlsecret");
    }

    @Test
    void aPlainKeyNamedLikeADocumentIsNeverShownAsTextInThePlan(@TempDir Path dir) {
        Folders.write(dir, "config/plain/_keys.properties", "app.yaml=db.password: hunter3\n");
        Cli cli = Cli.at(etcd.endpoints());

        Cli.Run table = cli.run("plan", dir.toString());
        Cli.Run json = cli.run("plan", dir.toString(), "-o", "json");

        assertThat(table.code()).as(table.toString()).isEqualTo(2);
        assertThat(table.all()).as(table.toString()).contains("app.yaml").doesNotContain("hunter3");
        assertThat(json.all()).as(json.toString()).contains("app.yaml").doesNotContain("hunter3");
    }

    @Test
    void aLinkInTheFolderToAFileOutsideItIsAnErrorAndItsTextIsNeverShown(@TempDir Path tmp) throws Exception {
        Path outside = Folders.write(tmp, "runner-temp/etcd-pw", "s3cr3t-Pa55\n");
        Path repo = tmp.resolve("repo");
        Folders.write(repo, "config/orders/_keys.properties", "a=1\n");
        Files.createSymbolicLink(repo.resolve("config/orders/pw.properties"), outside);

        Cli.Run validate = Cli.raw("validate", repo.toString());
        Cli.Run plan = Cli.at(etcd.endpoints()).run("plan", repo.toString());

        assertThat(validate.code()).as(validate.toString()).isEqualTo(1);
        assertThat(validate.err()).as(validate.toString()).contains("config/orders/pw.properties");
        assertThat(plan.code()).as(plan.toString()).isEqualTo(1);
        assertThat(validate.all() + plan.all()).doesNotContain("s3cr3t");
    }
}
