package io.etcdmp.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** File and folder names that are not UTF-8 cannot name an etcd key faithfully: an error, not a key with U+FFFD. */
@Timeout(60)
class FolderNamesTest {
    @Test
    void aDocumentOrFolderWhoseNameIsNotUtf8IsAnErrorNamingIt(@TempDir Path dir) throws Exception {
        Folders.write(dir, "config/b/_keys.properties", "a=1\n");
        // raw bytes in the names (Latin-1 e-acute, 0xff): Java cannot spell them, the shell can
        Process p = new ProcessBuilder("sh", "-c", "printf 'x: 1\\n' > \"config/b/$(printf 'caf\\351').yaml\" && "
                + "mkdir \"config/$(printf '\\377')d\" && printf 'q=1\\n' > \"config/$(printf '\\377')d/_keys.properties\"")
                .directory(dir.toFile()).inheritIO().start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();

        Cli.Run validate = Cli.raw("validate", dir.toString());

        assertThat(validate.code()).as(validate.toString()).isEqualTo(1);
        assertThat(validate.err()).as(validate.toString()).contains("caf").contains("not valid UTF-8");
        assertThat(validate.err().lines().filter(l -> l.contains("not valid UTF-8")).count()).as(validate.toString()).isEqualTo(2);
    }
}
