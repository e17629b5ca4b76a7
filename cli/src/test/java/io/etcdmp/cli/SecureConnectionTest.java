package io.etcdmp.cli;

import io.etcdmp.testing.EtcdCluster;
import io.etcdmp.testing.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The connection options against etcd servers with TLS, mutual TLS and authentication; the password only in a file. */
@Timeout(180)
class SecureConnectionTest {
    private static final String PASSWORD = "pw-in-a-file-only";
    private static TestCertificates certs;

    @BeforeAll
    static void certificates() {
        certs = TestCertificates.generate();
    }

    @AfterAll
    static void deleteCertificates() {
        certs.close();
    }

    @Test
    void aPasswordFileAndMutualTlsApplyAndTheWrongPasswordIsRefusedWithoutShowingIt(@TempDir Path dir) throws Exception {
        try (EtcdCluster etcd = EtcdCluster.builder().tls(certs, true).start()) {
            etcd.ctl().enableAuth(PASSWORD);
            Path passwordFile = Files.writeString(dir.resolve("password"), PASSWORD + "\n");
            Path wrongFile = Files.writeString(dir.resolve("wrong"), "not-the-password\n");
            for (Path file : List.of(passwordFile, wrongFile)) { // a password file others may read is refused
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
            Folders.write(dir, "tree/config/orders/_keys.properties", "transport=mtls\n");
            // a TLS handshake and an authentication on a loaded 2-core machine: more than the default 5 s at times
            Cli cli = new Cli("--endpoints", etcd.endpoints(), "--request-timeout", "30s", "--user", "root", "--password-file", passwordFile.toString(),
                    "--ca-file", certs.caCert().toString(), "--cert-file", certs.clientCert().toString(),
                    "--key-file", certs.clientKey().toString());

            Cli.Run apply = cli.run("apply", dir.resolve("tree").toString());
            Cli.Run plan = cli.run("plan", dir.resolve("tree").toString());
            Cli.Run wrong = new Cli("--endpoints", etcd.endpoints(), "--user", "root", "--password-file", wrongFile.toString(),
                    "--ca-file", certs.caCert().toString(), "--cert-file", certs.clientCert().toString(),
                    "--key-file", certs.clientKey().toString()).run("log");
            Cli.Run noPasswordOption = Cli.raw("log", "--endpoints", etcd.endpoints(), "--password", PASSWORD);

            assertThat(apply.code()).as(apply.toString()).isZero();
            assertThat(etcd.ctl().withUser("root", PASSWORD).get("/config/orders/transport")).contains("mtls");
            assertThat(plan.code()).as(plan.toString()).isZero();
            assertThat(wrong.code()).isEqualTo(1);
            assertThat(wrong.err()).contains("authentication failed").contains("root").doesNotContain("not-the-password");
            assertThat(noPasswordOption.code()).isEqualTo(1);
            assertThat(noPasswordOption.err()).contains("Unknown option: '--password'").contains("--password-file")
                    .doesNotContain(PASSWORD);
            assertThat(apply.all() + plan.all() + wrong.all()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void tlsWithTheCaFileConnectsAndWithoutItTheErrorSaysWhatToSet(@TempDir Path dir) {
        try (EtcdCluster etcd = EtcdCluster.builder().tls(certs, false).start()) {
            etcd.ctl().put("/config/orders/transport", "tls");
            Folders.write(dir, "config/orders/_keys.properties", "transport=tls\n");

            Cli.Run plan = new Cli("--endpoints", etcd.endpoints(), "--request-timeout", "30s", "--ca-file", certs.caCert().toString())
                    .run("plan", dir.toString());
            Cli.Run untrusted = new Cli("--endpoints", etcd.endpoints(), "--request-timeout", "2s").run("plan", dir.toString());

            assertThat(plan.code()).as(plan.toString()).isZero();
            assertThat(plan.out()).contains("1 unchanged");
            assertThat(untrusted.code()).isEqualTo(1);
            assertThat(untrusted.err()).contains(etcd.endpoints()).contains("etcd.tls.ca-file");
        }
    }
}
