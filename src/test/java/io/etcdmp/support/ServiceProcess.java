package io.etcdmp.support;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** A {@link ServiceMain} in its own JVM: a real second service, stoppable gracefully or killable (crash). */
public final class ServiceProcess implements AutoCloseable {
    private final Process process;
    private final Writer stdin;
    private final StringBuffer output = new StringBuffer();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    private ServiceProcess(Map<String, String> properties) throws IOException {
        this(properties, List.of());
    }

    private ServiceProcess(Map<String, String> properties, List<String> leftOut) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-cp");
        command.add(Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> leftOut.stream().noneMatch(entry::contains)).collect(Collectors.joining(File.pathSeparator)));
        command.add(ServiceMain.class.getName());
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readOutput, "service-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the service and waits (bounded) until its container is up. */
    public static ServiceProcess start(Map<String, String> properties) throws Exception {
        return await(new ServiceProcess(properties));
    }

    /** Like {@link #start}, with the class path entries whose path contains one of {@code leftOut} left out. */
    public static ServiceProcess startWithout(List<String> leftOut, Map<String, String> properties) throws Exception {
        return await(new ServiceProcess(properties, leftOut));
    }

    private static ServiceProcess await(ServiceProcess service) throws Exception {
        try {
            service.ready.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            service.process.destroyForcibly();
            throw new IllegalStateException("Service process did not start: " + service.output, e);
        }
        return service;
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                output.append(line).append('\n');
                if (line.equals("READY")) {
                    ready.complete(null);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        ready.completeExceptionally(new IllegalStateException("process ended before READY"));
    }

    /** Graceful stop: the container shuts down (deregistration), then the JVM exits. */
    public void stop(Duration limit) throws Exception {
        stdin.write("stop\n");
        stdin.flush();
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("Service did not stop within " + limit + ": " + output);
        }
    }

    /** A crash: SIGKILL, nothing runs on the way out. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public String output() {
        return output.toString();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
