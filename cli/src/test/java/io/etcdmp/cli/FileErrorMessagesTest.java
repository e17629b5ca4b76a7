package io.etcdmp.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A missing or wrong file or folder is told in words, naming it: never a Java exception class name. */
@Timeout(30)
class FileErrorMessagesTest {
    /** Nothing listens there: every case fails before etcd would be asked. */
    private final Cli cli = new Cli("--endpoints", "http://127.0.0.1:1", "--request-timeout", "1s");

    @Test
    void aFolderThatIsMissingOrAFileIsNamedWithoutAnExceptionClass(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nosuchdir");
        Path file = Files.writeString(dir.resolve("a-file"), "x");

        Cli.Run plan = cli.run("plan", missing.toString());
        Cli.Run planOfFile = cli.run("plan", file.toString());
        Cli.Run validate = cli.run("validate", missing.toString());
        Cli.Run apply = cli.run("apply", missing.toString());

        assertThat(plan.err()).isEqualTo("etcdmp plan: " + missing + " is not a folder\n");
        assertThat(planOfFile.err()).isEqualTo("etcdmp plan: " + file + " is not a folder\n");
        assertThat(validate.err()).isEqualTo("etcdmp validate: " + missing + " is not a folder\n");
        assertThat(apply.err()).isEqualTo("etcdmp apply: " + missing + " is not a folder\n");
        assertThat(List.of(plan, planOfFile, validate, apply)).allSatisfy(r -> assertThat(r.code()).isEqualTo(1));
    }

    @Test
    void aMissingPlanPasswordOrValueFileIsNamedAndSaidToBeMissing(@TempDir Path dir) throws Exception {
        Path key = Files.writeString(dir.resolve("key"), "c29tZWFyYml0cmFyeWNyYXp5c2VjcmV0a2V5dG9vbG9uZw");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path missing = dir.resolve("missing.json");

        Cli.Run apply = cli.run("apply", "--plan", missing.toString());
        Cli.Run password = cli.run("log", "--password-file", missing.toString());
        Cli.Run encrypt = Cli.raw("encrypt", "--encryption-key-file", key.toString(), "--file", missing.toString());

        assertThat(apply.err()).isEqualTo("etcdmp apply: Cannot read the plan " + missing + ": no such file\n");
        assertThat(password.err()).isEqualTo("etcdmp log: --password-file " + missing + " cannot be read: no such file\n");
        assertThat(encrypt.err()).isEqualTo("etcdmp encrypt: Cannot read " + missing + ": no such file\n");
        assertThat(List.of(apply, password, encrypt)).allSatisfy(r -> assertThat(r.all()).doesNotContain("Exception"));
    }
}
