package io.etcdmp.cli.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commit and author of HEAD read from the repository's files are exactly what {@code git log -1
 * --format='%H%n%an <%ae>'} prints, for each kind of repository a work tree or a CI checkout has; kinds it leaves to
 * git still get git's answer.
 */
@Timeout(120)
class GitInfoTest {
    @TempDir
    Path tmp;

    @Test
    void aLooseCommitOnABranchIsReadFromTheFilesAsGitPrintsIt() throws Exception {
        Path repo = repository("loose");

        assertThat(GitInfo.readFiles(repo.resolve(".git"))).contains(gitLog(repo));
        assertThat(GitInfo.of(repo.resolve("config"))).contains(gitLog(repo));
    }

    @Test
    void aPackedCommitAndPackedRefsAfterGcAreReadFromTheFilesAsGitPrintsIt() throws Exception {
        Path repo = repository("packed");
        commit(repo, "Zoë Ünïcode", "zoe@example.com", "second");
        git(repo, "gc", "-q", "--prune=now");
        String head = gitLog(repo).commit();
        assertThat(repo.resolve(".git/objects/" + head.substring(0, 2) + "/" + head.substring(2))).doesNotExist();
        assertThat(repo.resolve(".git/refs/heads/main")).doesNotExist();

        assertThat(GitInfo.readFiles(repo.resolve(".git"))).contains(gitLog(repo));
        assertThat(gitLog(repo).author()).isEqualTo("Zoë Ünïcode <zoe@example.com>");
    }

    @Test
    void aDetachedHeadIsReadFromTheFilesAsGitPrintsIt() throws Exception {
        Path repo = repository("detached");
        commit(repo, "Bob", "bob@example.com", "second");
        git(repo, "checkout", "-q", "--detach", "HEAD~1");

        assertThat(GitInfo.readFiles(repo.resolve(".git"))).contains(gitLog(repo));
    }

    @Test
    void aLinkedWorkTreeWhoseDotGitIsAFileIsReadFromTheFilesAsGitPrintsIt() throws Exception {
        Path repo = repository("main");
        Path linked = tmp.resolve("linked");
        git(repo, "worktree", "add", "-q", "-b", "other", linked.toString());
        commit(linked, "Carol", "carol@example.com", "on the other branch");
        assertThat(linked.resolve(".git")).isRegularFile();

        assertThat(GitInfo.readFiles(linked.resolve(".git"))).contains(gitLog(linked));
        assertThat(GitInfo.readFiles(repo.resolve(".git"))).contains(gitLog(repo));
    }

    @Test
    void aRepositoryOfAKindLeftToGitGetsGitsAnswer() throws Exception {
        Path repo = tmp.resolve("sha256");
        Files.createDirectories(repo);
        git(repo, "init", "-q", "--object-format=sha256");
        commit(repo, "Dan", "dan@example.com", "first");

        assertThat(GitInfo.readFiles(repo.resolve(".git"))).isEmpty();
        assertThat(GitInfo.of(repo)).contains(gitLog(repo));
        assertThat(gitLog(repo).commit()).hasSize(64);
    }

    @Test
    void aFolderInNoRepositoryHasNoGitInformation() {
        assertThat(GitInfo.of(tmp)).isEmpty();
    }

    private Path repository(String name) throws Exception {
        Path repo = tmp.resolve(name);
        Files.createDirectories(repo.resolve("config/application"));
        Files.writeString(repo.resolve("config/application/app.properties"), "a=1\n");
        git(repo, "init", "-q", "-b", "main");
        commit(repo, "Alice Example", "alice@example.com", "first");
        return repo;
    }

    private static void commit(Path repo, String name, String email, String message) throws Exception {
        Files.writeString(repo.resolve("change-" + System.nanoTime() + ".txt"), message);
        git(repo, "add", "-A");
        git(repo, "-c", "user.name=" + name, "-c", "user.email=" + email, "commit", "-q", "-m", message);
    }

    private static GitInfo gitLog(Path repo) throws Exception {
        String[] lines = git(repo, "log", "-1", "--format=%H%n%an <%ae>").split("\n", 2);
        return new GitInfo(lines[0], lines[1]);
    }

    private static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }
}
