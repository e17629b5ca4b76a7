package io.etcdmp.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** --help prints descriptions as written: picocli expands ${...} in them, so the encrypted form is escaped. */
@Timeout(30)
class HelpTextTest {
    @Test
    void helpOfEncryptReencryptAndTheToolShowTheEncryptedFormNotNull() {
        Cli.Run encrypt = Cli.raw("encrypt", "--help");
        Cli.Run reencrypt = Cli.raw("reencrypt", "--help");
        Cli.Run tool = Cli.raw("--help");

        for (Cli.Run help : new Cli.Run[] {encrypt, reencrypt, tool}) {
            assertThat(help.code()).as(help.toString()).isZero();
            assertThat(help.out()).as(help.toString()).contains("${aes-gcm-nopadding::").doesNotContain("null")
                    .doesNotContain("$${");
        }
        assertThat(encrypt.out()).contains("prints it as ${aes-gcm-nopadding::...}, the form");
        assertThat(reencrypt.out()).contains("Re-encrypts every ${aes-gcm-nopadding::...} value under PREFIX");
    }
}
