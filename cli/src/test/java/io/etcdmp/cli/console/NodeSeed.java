package io.etcdmp.cli.console;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Node.js seed service (npm {@code etcd3} 1.1.2, {@code src/test/node/seed-service} at the checkout's root,
 * see the library's SeedInteropTest) registering one instance the seed's way: {@code JSON.stringify(metadata)}
 * under a 10 s lease that {@code etcd3} keeps alive. Installs its packages with {@code npm ci} when missing.
 */
final class NodeSeed implements AutoCloseable {
    private final Process process;
    private final Writer stdin;
    private final BufferedReader stdout;

    private NodeSeed(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Starts it against {@code endpoints} as etcd user {@code user} (null: without authentication). */
    static NodeSeed start(String endpoints, String user, String password) throws Exception {
        Path dir = Path.of("..", "src", "test", "node", "seed-service").toAbsolutePath().normalize();
        if (!Files.isDirectory(dir.resolve("node_modules/etcd3"))) {
            Process npm = new ProcessBuilder(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"))
                    .directory(dir.toFile()).inheritIO().start();
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                throw new IllegalStateException("npm ci in " + dir + " failed: run ./scripts/install-deps.sh");
            }
        }
        ProcessBuilder builder = new ProcessBuilder(List.of("node", "seed-service.js", endpoints)).directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        if (user != null) {
            builder.environment().put("ETCD_USER", user);
            builder.environment().put("ETCD_PASSWORD", password);
        }
        NodeSeed seed = new NodeSeed(builder.start());
        String first = seed.reply();
        if (first == null || !first.contains("\"ready\":true")) {
            seed.close();
            throw new IllegalStateException("The Node.js seed service did not start: " + first);
        }
        return seed;
    }

    /** The seed's {@code registerService(service, id, metadata)}. */
    void register(String service, String id, JsonObject metadata) throws Exception {
        stdin.write(Json.createObjectBuilder().add("id", 1).add("op", "register").add("service", service)
                .add("instanceId", id).add("metadata", metadata).build() + "\n");
        stdin.flush();
        String reply = reply();
        if (reply == null || !reply.contains("\"ok\":true")) {
            throw new IllegalStateException("register failed: " + reply);
        }
    }

    /** The next line of the protocol, waited for at most 30 s. */
    private String reply() throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return stdout.readLine();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
