package io.etcdmp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One local etcd process: its dir, ports and OS process. Not thread-safe; EtcdCluster serialises. */
final class EtcdMember {

    private static final Duration SIGNAL_BOUND = Duration.ofSeconds(10);

    final int index;
    final String name;
    final Path dir;
    final Path dataDir;
    final Path logFile;
    private final String clientScheme;
    private int clientPort;
    private int peerPort;
    private Process process;
    private boolean paused;
    /** etcd's member id (uint64, decimal) once seen; stable across restarts of the same data dir. */
    String memberId;

    EtcdMember(int index, Path clusterDir, String clientScheme) {
        this.index = index;
        this.name = "m" + index;
        this.dir = clusterDir.resolve(name);
        this.dataDir = dir.resolve("data");
        this.logFile = dir.resolve("etcd.log");
        this.clientScheme = clientScheme;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void assignPorts(int clientPort, int peerPort) {
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.memberId = null;
    }

    String clientUrl() {
        return clientScheme + "://127.0.0.1:" + clientPort;
    }

    String peerUrl() {
        return "http://127.0.0.1:" + peerPort;
    }

    int clientPort() {
        return clientPort;
    }

    /** Starts the etcd process with {@code command}; output is appended to {@link #logFile}. */
    void launch(List<String> command) {
        if (isRunning()) {
            throw new IllegalStateException("member " + index + " is already running (pid " + process.pid() + ")");
        }
        try {
            Files.createDirectories(dir);
            note("starting: " + String.join(" ", command));
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            // etcd reads ETCD_* variables as flags and complains about conflicts: start it clean
            pb.environment().keySet().removeIf(k -> k.startsWith("ETCD_") || k.startsWith("ETCDCTL_"));
            process = pb.start();
            paused = false;
            ProcessReaper.watch(process);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start etcd member " + index + ": " + e, e);
        }
    }

    boolean isRunning() {
        return process != null && process.isAlive();
    }

    boolean isPaused() {
        return paused && isRunning();
    }

    /** Whether the process was started and has died by itself. */
    boolean hasDied() {
        return process != null && !process.isAlive();
    }

    Integer exitCode() {
        return process == null || process.isAlive() ? null : process.exitValue();
    }

    long pid() {
        if (!isRunning()) {
            throw new IllegalStateException("member " + index + " is not running");
        }
        return process.pid();
    }

    /** SIGTERM (after SIGCONT if paused), wait up to {@code grace}, then SIGKILL and wait. */
    void stop(Duration grace) {
        requestStop();
        awaitStopped(grace);
    }

    /** Sends SIGTERM (after SIGCONT if paused) without waiting; see {@link #awaitStopped}. */
    private void requestStop() {
        if (process != null && process.isAlive()) {
            if (paused) {
                signal("CONT");
                paused = false;
            }
            process.destroy();
        }
    }

    /** Waits up to {@code grace} for the exit, then SIGKILLs and waits again (bounded). */
    private void awaitStopped(Duration grace) {
        if (process == null) {
            return;
        }
        if (!waitForExit(grace)) {
            note("no exit " + grace.toMillis() + " ms after SIGTERM: sending SIGKILL");
            process.destroyForcibly();
            if (!waitForExit(SIGNAL_BOUND)) {
                throw new IllegalStateException("etcd member " + index + " (pid " + process.pid()
                        + ") did not exit after SIGKILL within " + SIGNAL_BOUND);
            }
        }
        ended();
    }

    /** SIGKILL and wait for the exit. */
    void kill() {
        if (process == null) {
            return;
        }
        if (process.isAlive()) {
            process.destroyForcibly();
            if (!waitForExit(SIGNAL_BOUND)) {
                throw new IllegalStateException("etcd member " + index + " (pid " + process.pid()
                        + ") did not exit after SIGKILL within " + SIGNAL_BOUND);
            }
        }
        ended();
    }

    /** SIGSTOP; returns once the kernel reports the process stopped. */
    void pause() {
        pid();
        signal("STOP");
        paused = true;
        Awaits.until(SIGNAL_BOUND, "member " + index + " to be stopped by SIGSTOP", () -> procState() == 'T');
    }

    /** SIGCONT; returns once the kernel reports the process no longer stopped. */
    void resume() {
        pid();
        signal("CONT");
        paused = false;
        Awaits.until(SIGNAL_BOUND, "member " + index + " to continue after SIGCONT", () -> procState() != 'T');
    }

    /** Whether something accepts TCP connections on the client port. */
    boolean clientPortOpen() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", clientPort), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Deletes the data dir and the log (only while stopped: used before a fresh bootstrap). */
    void wipe() {
        if (isRunning()) {
            throw new IllegalStateException("cannot wipe running member " + index);
        }
        FileTrees.deleteRecursively(dataDir);
        FileTrees.deleteRecursively(logFile);
    }

    String logTail(int lines) {
        return FileTrees.tail(logFile, lines);
    }

    String describe() {
        return "member " + index + " (" + name + ", " + clientUrl() + ", peer " + peerUrl()
                + (process == null ? ", never started"
                : process.isAlive() ? ", pid " + process.pid() + (paused ? ", paused" : "")
                : ", exited with " + process.exitValue())
                + ", log " + logFile + ")";
    }

    /** Appends a harness line to the member's log, between etcd's own lines. */
    private void note(String text) {
        try {
            Files.writeString(logFile, "---- " + text + System.lineSeparator(),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // diagnostics only
        }
    }

    private void ended() {
        ProcessReaper.forget(process);
        paused = false;
    }

    private boolean waitForExit(Duration bound) {
        try {
            return process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for member " + index + " to exit", e);
        }
    }

    private void signal(String signal) {
        String kill = Files.isExecutable(Path.of("/bin/kill")) ? "/bin/kill" : "kill";
        List<String> command = new ArrayList<>(List.of(kill, "-" + signal, Long.toString(process.pid())));
        ProcessRunner.Result result = ProcessRunner.run(command, env -> { }, SIGNAL_BOUND);
        if (!result.ok()) {
            throw new IllegalStateException("cannot send SIG" + signal + " to member " + index + ": " + result.describe());
        }
    }

    /** The state letter from /proc/pid/stat (R, S, T, Z, ...); 'X' when unreadable. */
    private char procState() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            int close = stat.lastIndexOf(')');
            return stat.charAt(close + 2);
        } catch (IOException | RuntimeException e) {
            return 'X';
        }
    }
}
