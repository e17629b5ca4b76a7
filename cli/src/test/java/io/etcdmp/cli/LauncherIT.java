package io.etcdmp.cli;

import io.etcdmp.testing.LocalEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged tool as a user runs it: the launcher script {@code target/etcdmp} next to the executable jar, its
 * connection from the library's environment variable {@code ETCD_ENDPOINTS}, exit codes from the process.
 */
@Timeout(180)
class LauncherIT {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.start();

    @Test
    void theLauncherNextToTheJarPlansAndAppliesWithTheEndpointsFromTheEnvironment(@TempDir Path dir) throws Exception {
        Folders.write(dir, "config/orders/_keys.properties", "db.url=jdbc:from-the-jar\ndb.password=never-printed\n");

        Result plan = run(dir, "plan", dir.toString());
        Result apply = run(dir, "apply", dir.toString(), "-m", "from the launcher");
        Result again = run(dir, "plan", dir.toString());
        Result help = run(dir, "--help");

        assertThat(plan.code()).as(plan.output()).isEqualTo(2);
        assertThat(plan.output()).contains("+ /config/orders/db.url = jdbc:from-the-jar").doesNotContain("never-printed");
        assertThat(apply.code()).as(apply.output()).isZero();
        assertThat(etcd.get("/config/orders/db.url")).contains("jdbc:from-the-jar");
        assertThat(again.code()).as(again.output()).isZero();
        assertThat(help.code()).isZero();
        assertThat(help.output()).contains("Exit codes:").contains("apply");
    }

    private record Result(int code, String output) {
    }

    private static Result run(Path dir, String... args) throws Exception {
        Path launcher = Path.of("target/etcdmp").toAbsolutePath();
        assertThat(launcher).exists();
        List<String> command = new java.util.ArrayList<>(List.of("sh", launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("ETCD_ENDPOINTS", etcd.endpoints());
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(output).isTrue();
        return new Result(p.exitValue(), output);
    }
}
