package io.etcdmp.cli.command;

import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.internal.cli.ToolConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** --password-file: the first line, without its line end or the byte order mark an editor may put first; owner-only. */
@Timeout(30)
class PasswordFileTest {
    @Test
    void aByteOrderMarkAndTheLineEndAreNotPartOfThePassword(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pw");
        Files.writeString(file, "\uFEFFs3cret\r\nsecond line\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        EtcdOptions options = new EtcdOptions();
        options.passwordFile = file;

        assertThat(options.settings().get(ToolConnection.PASSWORD)).isEqualTo("s3cret");
    }

    @Test
    void aPasswordFileOthersMayReadIsRefusedAsAKeyFileIs(@TempDir Path dir) throws Exception {
        for (String mode : new String[] {"rw-r--r--", "rw----r--", "rw-rw----", "rwx---r-x"}) {
            Path file = Files.writeString(dir.resolve("pw-" + mode), "s3cret-in-file\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            EtcdOptions options = new EtcdOptions();
            options.passwordFile = file;

            assertThatThrownBy(options::settings).as(mode).isInstanceOf(EtcdMicroprofileException.class)
                    .hasMessage("--password-file " + file + " may be read by others than its owner: chmod 600 " + file)
                    .message().doesNotContain("s3cret");
        }
    }
}
