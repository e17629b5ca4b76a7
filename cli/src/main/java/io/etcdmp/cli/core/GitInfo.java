package io.etcdmp.cli.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The git commit ({@code HEAD}) and its author of a folder inside a git work tree, read with one {@code git}
 * command; no command at all when no folder up from it holds {@code .git}.
 */
public record GitInfo(String commit, String author) {
    public static Optional<GitInfo> of(Path dir) {
        if (!inRepository(dir)) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder("git", "-C", dir.toAbsolutePath().toString(), "log", "-1", "--format=%H%n%an <%ae>")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            // read beside the wait, so that a git that hangs with its output open is still bounded by the wait
            java.util.concurrent.CompletableFuture<byte[]> output = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try (java.io.InputStream in = p.getInputStream()) {
                    return in.readNBytes(64 * 1024); // a commit id and one author line: never more than this is read
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            byte[] out = output.join();
            String[] lines = new String(out, StandardCharsets.UTF_8).strip().split("\n", 2);
            return p.exitValue() == 0 && lines[0].length() >= 7 ? Optional.of(new GitInfo(lines[0], lines.length > 1 ? lines[1] : ""))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // no git installed: no git information
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** True when {@code dir} or a folder up from it holds {@code .git} (no command run: a few file checks). */
    public static boolean inRepository(Path dir) {
        Path at = dir.toAbsolutePath().normalize();
        while (at != null && !Files.exists(at.resolve(".git"))) {
            at = at.getParent();
        }
        return at != null;
    }
}
