package io.etcdmp.support;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The seed application's {@code EtcdService} (npm {@code etcd3} 1.1.2) in a Node.js process: the fixture
 * {@code src/test/node/seed-service}, driven one JSON line per command. Installs the fixture's packages
 * with {@code npm ci} when they are missing or older than its lock file; fails (never skips) without Node.
 */
public final class SeedService implements AutoCloseable {
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(15);

    /** One {@code watchService} callback: the instances the seed's {@code discoverService} returned, and when it arrived here. */
    public record WatchCall(long receivedNanos, String service, JsonArray instances) {
    }

    private final Process process;
    private final Writer stdin;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonValue>> replies = new ConcurrentHashMap<>();
    private final List<WatchCall> watchCalls = new CopyOnWriteArrayList<>();
    private final StringBuffer output = new StringBuffer();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    private SeedService(String endpoints) throws IOException {
        Path dir = fixtureDir();
        process = new ProcessBuilder(List.of("node", "seed-service.js", endpoints)).directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readOutput, "seed-service-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Installs the fixture if needed, starts it against {@code endpoints} and waits (bounded) until it reads commands. */
    public static SeedService start(String endpoints) throws Exception {
        install();
        SeedService seed = new SeedService(endpoints);
        try {
            seed.ready.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            seed.process.destroyForcibly();
            throw new IllegalStateException("The Node.js seed service did not start: " + seed.output, e);
        }
        return seed;
    }

    /** The seed's {@code registerService(service, instanceId, metadata)}: {@code JSON.stringify(metadata)} under a 10 s lease. */
    public void register(String service, String instanceId, JsonObject metadata) throws Exception {
        call(Json.createObjectBuilder().add("op", "register").add("service", service).add("instanceId", instanceId)
                .add("metadata", metadata).build()).get(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The seed's {@code discoverService(service)}: {@code JSON.parse} of every value under {@code /services/<service>}. */
    public JsonArray discover(String service) throws Exception {
        return call(Json.createObjectBuilder().add("op", "discover").add("service", service).build())
                .get(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).asJsonArray();
    }

    /** The seed's {@code watchService(service, callback)}; the callbacks arrive in {@link #watchCalls()}. */
    public void watch(String service) throws Exception {
        call(Json.createObjectBuilder().add("op", "watch").add("service", service).build())
                .get(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Revokes the lease of a registration made by {@link #register}; completes when etcd has answered. */
    public CompletableFuture<JsonValue> revoke(String service, String instanceId) throws IOException {
        return call(Json.createObjectBuilder().add("op", "revoke").add("service", service).add("instanceId", instanceId).build());
    }

    public List<WatchCall> watchCalls() {
        return watchCalls;
    }

    private CompletableFuture<JsonValue> call(JsonObject command) throws IOException {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonValue> reply = new CompletableFuture<>();
        replies.put(id, reply);
        String line = Json.createObjectBuilder(command).add("id", id).build().toString();
        synchronized (stdin) {
            stdin.write(line + "\n");
            stdin.flush();
        }
        return reply;
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                long now = System.nanoTime();
                output.append(line).append('\n');
                JsonObject message;
                try {
                    message = Json.createReader(new StringReader(line)).readObject();
                } catch (RuntimeException e) {
                    continue;
                }
                if (message.containsKey("ready")) {
                    ready.complete(null);
                } else if (message.containsKey("watch")) {
                    watchCalls.add(new WatchCall(now, message.getString("watch"), message.getJsonArray("instances")));
                } else if (message.containsKey("id")) {
                    CompletableFuture<JsonValue> reply = replies.remove(message.getInt("id"));
                    if (reply != null && message.getBoolean("ok")) {
                        reply.complete(message.get("result"));
                    } else if (reply != null) {
                        reply.completeExceptionally(new IllegalStateException("seed service: " + message.getString("error")));
                    }
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        IllegalStateException ended = new IllegalStateException("the Node.js seed service ended: " + output);
        ready.completeExceptionally(ended);
        replies.values().forEach(r -> r.completeExceptionally(ended));
    }

    @Override
    public void close() throws Exception {
        try {
            call(Json.createObjectBuilder().add("op", "quit").build());
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** {@code src/test/node/seed-service} of this project. */
    static Path fixtureDir() {
        String base = System.getProperty("basedir", System.getProperty("user.dir"));
        return Path.of(base, "src", "test", "node", "seed-service").toAbsolutePath();
    }

    /**
     * Checks that Node.js is there and runs {@code npm ci} in the fixture when its {@code node_modules} is
     * missing or older than {@code package-lock.json} (scripts/install-deps.sh does the same ahead of the build).
     */
    static synchronized void install() throws Exception {
        String version = run(List.of("node", "--version"), fixtureDir(), Duration.ofSeconds(30),
                "Node.js (node) is needed to test against the seed's npm etcd3 client and was not found: "
                        + "run scripts/install-deps.sh (it installs Debian's nodejs and npm)");
        Path dir = fixtureDir();
        Path installed = dir.resolve("node_modules").resolve(".package-lock.json");
        if (Files.exists(installed) && !Files.getLastModifiedTime(dir.resolve("package-lock.json"))
                .toInstant().isAfter(Files.getLastModifiedTime(installed).toInstant())) {
            return;
        }
        System.out.println("Installing the seed service's npm packages (npm ci in " + dir + ", node " + version.strip() + ")");
        run(List.of("npm", "ci", "--no-audit", "--no-fund"), dir, Duration.ofSeconds(150),
                "npm (needed to install the seed service's etcd3 client) was not found: run scripts/install-deps.sh");
    }

    private static String run(List<String> command, Path dir, Duration limit, String missing) throws Exception {
        Path out = Files.createTempFile("etcdmp-seed-", ".out");
        try {
            Process p;
            try {
                p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(out.toFile()).start();
            } catch (IOException e) {
                throw new IllegalStateException(missing + " (" + e.getMessage() + ")", e);
            }
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " in " + dir + " did not finish within " + limit + ":\n"
                        + Files.readString(out));
            }
            String text = Files.readString(out);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(command + " in " + dir + " failed (exit " + p.exitValue() + "):\n" + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Override
    public String toString() {
        return "SeedService[pid " + process.pid() + "]";
    }
}
