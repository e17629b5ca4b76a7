package io.etcdmp.cli.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The git commit (HEAD) and its author of a folder inside a git work tree, read with the {@code git} command. */
public record GitInfo(String commit, String author) {
    public static Optional<GitInfo> of(Path dir) {
        Optional<String> commit = git(dir, "rev-parse", "HEAD");
        if (commit.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new GitInfo(commit.get(), git(dir, "log", "-1", "--format=%an <%ae>").orElse("")));
    }

    private static Optional<String> git(Path dir, String... args) {
        String[] command = new String[args.length + 3];
        command[0] = "git";
        command[1] = "-C";
        command[2] = dir.toAbsolutePath().toString();
        System.arraycopy(args, 0, command, 3, args.length);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            String text = new String(out, StandardCharsets.UTF_8).strip();
            return p.exitValue() == 0 && !text.isEmpty() ? Optional.of(text) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // no git installed: no git information
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
