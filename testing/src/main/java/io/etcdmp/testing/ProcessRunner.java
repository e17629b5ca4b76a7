package io.etcdmp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short-lived external command with a hard time bound. Output goes to temp files (no pump
 * threads); the process is killed if it overruns.
 */
final class ProcessRunner {

    /** What a finished command produced. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }

        String describe() {
            return "command " + command + " exited with code " + exitCode
                    + (stderr.isBlank() ? "" : "\nstderr:\n" + stderr.strip())
                    + (stdout.isBlank() ? "" : "\nstdout:\n" + stdout.strip());
        }
    }

    private ProcessRunner() {
    }

    /**
     * Runs {@code command} and waits at most {@code timeout}.
     *
     * @param environment edits the child's environment (inherited from this JVM) before start
     *
     * @throws IllegalStateException if the command cannot be started or does not finish in time
     */
    static Result run(List<String> command, Consumer<Map<String, String>> environment, Duration timeout) {
        Path out = null;
        Path err = null;
        Process process = null;
        try {
            out = Files.createTempFile("etcdmp-cmd-", ".out");
            err = Files.createTempFile("etcdmp-cmd-", ".err");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            environment.accept(pb.environment());
            process = pb.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException("command " + command + " did not finish within " + timeout
                        + "\nstderr so far:\n" + read(err));
            }
            return new Result(command, process.exitValue(), read(out), read(err));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run command " + command + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (process != null) {
                process.destroyForcibly();
            }
            throw new IllegalStateException("interrupted while running " + command, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // temp file; nothing else to do
            }
        }
    }
}
