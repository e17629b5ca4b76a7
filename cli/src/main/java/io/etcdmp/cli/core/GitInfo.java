package io.etcdmp.cli.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The git commit ({@code HEAD}) and its author of a folder inside a git work tree: read from the repository's
 * files ({@link GitHead}), or with one {@code git} command where those are of a kind it leaves to git; nothing at
 * all when no folder up from it holds {@code .git}.
 */
public record GitInfo(String commit, String author) {
    public static Optional<GitInfo> of(Path dir) {
        Path dotGit = dotGit(dir);
        if (dotGit == null) {
            return Optional.empty();
        }
        Optional<GitInfo> read = readFiles(dotGit);
        return read.isPresent() ? read : command(dir);
    }

    /**
     * {@link #of}, for a command that has other work meanwhile: read from the files now (~0.1 ms, less than a
     * hand-off to another thread), or, for a repository left to {@code git}, by the command on another thread.
     */
    public static java.util.concurrent.CompletableFuture<Optional<GitInfo>> lookup(Path dir) {
        Path dotGit = dotGit(dir);
        if (dotGit == null) {
            return java.util.concurrent.CompletableFuture.completedFuture(Optional.empty());
        }
        Optional<GitInfo> read = readFiles(dotGit);
        return read.isPresent() ? java.util.concurrent.CompletableFuture.completedFuture(read)
                : java.util.concurrent.CompletableFuture.supplyAsync(() -> command(dir));
    }

    /** What {@link GitHead} reads without {@code git}; empty when it leaves the repository to git (or cannot read it). */
    static Optional<GitInfo> readFiles(Path dotGit) {
        try {
            return GitHead.read(dotGit);
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty(); // git itself tells, or tells that it cannot
        }
    }

    /** The {@code .git} (folder or file) of the work tree holding {@code dir}, null outside one. */
    static Path dotGit(Path dir) {
        Path at = dir.toAbsolutePath().normalize();
        while (at != null && !Files.exists(at.resolve(".git"))) {
            at = at.getParent();
        }
        return at == null ? null : at.resolve(".git");
    }

    static Optional<GitInfo> command(Path dir) {
        try {
            Process p = new ProcessBuilder("git", "-C", dir.toAbsolutePath().toString(), "log", "-1", "--format=%H%n%an <%ae>")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
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
        return dotGit(dir) != null;
    }
}
