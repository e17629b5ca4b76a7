package io.etcdmp.cli.command;

import io.etcdmp.internal.cli.ToolConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** --password-file: the first line, without its line end or the byte order mark an editor may put first. */
@Timeout(30)
class PasswordFileTest {
    @Test
    void aByteOrderMarkAndTheLineEndAreNotPartOfThePassword(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pw");
        Files.writeString(file, "\uFEFFs3cret\r\nsecond line\n", StandardCharsets.UTF_8);
        EtcdOptions options = new EtcdOptions();
        options.passwordFile = file;

        assertThat(options.settings().get(ToolConnection.PASSWORD)).isEqualTo("s3cret");
    }
}
