package io.etcdmp.it.support;

import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.testing.EtcdCluster;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.StringReader;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A runtime's server with the application of {@code it/app} deployed, on a real etcd: what a runtime's
 * test says (how to start and stop its server, where it logs, what it supports), the start and stop of
 * etcd and the server around the class, and the helpers the checks share. The checks themselves are
 * in {@link RuntimeContract}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
public abstract class RuntimeUnderTest {
    protected static final String GREETING_KEY = "/config/application/it.greeting";
    /**
     * The two properties {@code GET /api/lookups} times: one in etcd, one in the runtime's in-memory source
     * (each runtime module's {@code META-INF/microprofile-config.properties} holds {@code it.lookup.memory}
     * with this same value, it-app.jar's holds {@code it.lookup.above} at ordinal 280), so that every lookup
     * returns the same string.
     */
    protected static final String LOOKUP_ETCD_KEY = "/config/application/it.lookup.etcd";
    protected static final String LOOKUP_VALUE = "jdbc:postgresql://db:5432/orders";
    /** A property kept encrypted in etcd ({@link EncryptedSecret}); {@code GET /api/secret} answers its SHA-256. */
    protected static final String SECRET_KEY = "/config/application/it.secret";
    /** Longer than any test step: a record that disappears quickly was revoked, not expired. */
    protected static final Duration REGISTRY_TTL = Duration.ofSeconds(60);
    protected static final Duration DEREGISTRATION_LIMIT = Duration.ofSeconds(1);
    /** How soon callers must stop calling an instance that drains or leaves. */
    protected static final Duration NO_CALLS_LIMIT = Duration.ofSeconds(1);
    /** The application's own drain at its graceful stop. */
    protected static final Duration DRAIN_TIME = Duration.ofSeconds(1);
    /** A warning or error line logged by one of the library's loggers (io.etcdmp.*). */
    private static final Pattern ANSI_COLOUR = Pattern.compile("\u001B\\[[;\\d]*m");
    private static final Pattern LEVEL_WORD = Pattern.compile("\\b(WARNING|WARN|SEVERE|ERROR)\\b");
    /** A thread of the library's (or jetcd's) that died, or that ran after its class loader was gone. */
    private static final Pattern THREAD_FAILURE = Pattern.compile(
            ".*(Exception in thread \"(globalEventExecutor|vert\\.x|jetcd|etcd-microprofile|grpc)"
            + "|could not read class \\[(io\\.vertx|io\\.netty|io\\.grpc|io\\.etcd)).*");

    protected EtcdCluster etcd;
    /** Each creation of the application's record and what the application answered then. */
    protected RecordAppearances appearances;
    protected int port;
    protected ServerProcess server;
    protected final Map<String, String> timings = new LinkedHashMap<>();
    /** The called services' side: a registry in this JVM that registers them and watches the application. */
    protected PeerServices peers;
    /** The secret in etcd now; its key reaches the server through {@link #serverEnvironment()}. */
    protected EncryptedSecret secret;
    /** Every secret put in etcd in this run (the scans look for each). */
    protected final List<EncryptedSecret> secretsPut = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Short runtime name, also the service name's suffix: {@code it-<name>}. */
    protected abstract String runtime();

    /** Starts the server with the application deployed, the given system properties set, listening on {@link #port}. */
    protected abstract ServerProcess startServer(Map<String, String> systemProperties) throws Exception;

    /** Stops the server the way an operator would (it must undeploy the application); returns when the process is gone. */
    protected abstract void stopGracefully() throws Exception;

    /** How soon an etcd change must be visible over HTTP in this runtime (what the README promises). */
    protected abstract Duration liveWithin();

    /** The files holding the server's log (console output and/or log files). */
    protected abstract List<Path> logFiles();

    /** How long the server may take to answer its first request. */
    protected Duration bootLimit() {
        return Duration.ofMinutes(2);
    }

    /**
     * A line in the server log that is a warning or error from the library, or a library thread failing
     * (e.g. after undeploy). Runtimes with other log formats add theirs.
     */
    protected boolean isLibraryProblem(String line) {
        return line.contains("io.etcdmp") && LEVEL_WORD.matcher(line).find() || THREAD_FAILURE.matcher(line).matches();
    }

    protected final String service() {
        return "it-" + runtime();
    }

    /** The service the application calls through its Rest Client, {@code peer/mp-rest/uri=http://<this>.etcd}. */
    protected final String peerService() {
        return service() + "-peer";
    }

    /**
     * Whether the runtime still serves the application while the library drains at a graceful stop (the
     * drain runs in CDI's {@code @BeforeDestroyed(ApplicationScoped.class)}, before Helidon stops its server).
     */
    protected boolean servesWhileDraining() {
        return true;
    }

    /** The application's context root: empty, or e.g. {@code /it-liberty}. */
    protected String contextRoot() {
        return "";
    }

    protected final URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + contextRoot() + "/api/" + path);
    }

    /** The settings every runtime gets, as system properties: etcd, the service name and its real address. */
    protected Map<String, String> librarySettings() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("etcd.endpoints", etcd.endpoints());
        p.put("mp.app.name", service());
        p.put("etcd.registry.host", "127.0.0.1");
        p.put("etcd.registry.ttl", REGISTRY_TTL.toSeconds() + "s");
        // the first etcd read loads gRPC, Netty and Vert.x in a cold server JVM: on this shared 2-core machine
        // it once took over the 5 s default inside Payara, and the deployment failed
        p.put("etcd.request-timeout", "20s");
        // the form every Rest Client implementation accepts (Jersey turns the base URI into a java.net.URL)
        p.put("peer/mp-rest/uri", "http://" + peerService() + ServiceRegistry.HOST_SUFFIX);
        p.put("etcd.registry.drain-time", DRAIN_TIME.toMillis() + "ms");
        // the last known good snapshot on disk: it must hold the secret's ciphertext only
        p.put("etcd.config.cache-file", cacheFile().toString());
        return p;
    }

    /**
     * The environment every server gets besides its own: the secret's key under SmallRye's own setting name, as an
     * operator would set it (docs/SECRETS.md), read by the library (and by the runtime's SmallRye Config, if any).
     */
    protected Map<String, String> serverEnvironment() {
        return Map.of(EncryptedSecret.KEY_ENVIRONMENT_VARIABLE, secret.key());
    }

    /** {@link #serverEnvironment()} plus the runtime's own variables. */
    protected final Map<String, String> serverEnvironment(Map<String, String> own) {
        Map<String, String> all = new LinkedHashMap<>(serverEnvironment());
        all.putAll(own);
        return all;
    }

    /** Where the library keeps its last known good snapshot ({@code etcd.config.cache-file}). */
    protected Path cacheFile() {
        return Path.of("target", "etcd-cache-" + runtime() + ".txt").toAbsolutePath();
    }

    @BeforeAll
    void startEtcdAndServer() throws Exception {
        etcd = EtcdCluster.start();
        etcd.ctl().put(GREETING_KEY, "hello from etcd");
        etcd.ctl().put(LOOKUP_ETCD_KEY, LOOKUP_VALUE);
        secret = EncryptedSecret.withNewKey();
        secretsPut.add(secret);
        etcd.ctl().put(SECRET_KEY, secret.stored());
        peers = new PeerServices(etcd.endpoints());
        port = LoopbackPorts.free();
        appearances = new RecordAppearances(etcd.endpoints(), service(), url("greeting"));
        long start = System.nanoTime();
        server = startServer(librarySettings());
        awaitAnswer(url("greeting"), bootLimit());
        timings.put("boot to first answer", seconds(System.nanoTime() - start));
    }

    @AfterAll
    void stopServerAndEtcd() {
        try {
            if (appearances != null) {
                appearances.close();
            }
            if (server != null) {
                server.close();
            }
            if (peers != null) {
                peers.close();
            }
        } finally {
            if (etcd != null) {
                etcd.close();
            }
            System.out.println("[it] " + runtime() + " timings: " + timings);
        }
    }

    // ---- helpers for runtimes ------------------------------------------------------------------

    /** The server's JVM: the started process, or the java process a start script runs. */
    protected ProcessHandle serverJvm() {
        ProcessHandle started = ProcessHandle.of(server.pid()).orElseThrow(() -> new AssertionError(server + " is gone"));
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(started), started.descendants())
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .findFirst().orElseThrow(() -> new AssertionError("no java process under " + server));
    }

    /** Waits until {@code uri} answers 200; fails early if the server process died or the library failed to start. */
    protected void awaitAnswer(URI uri, Duration limit) {
        Awaitility.await(server + " to answer " + uri).atMost(limit).pollInterval(Duration.ofMillis(100))
                .failFast("the server process ended, or the library failed to start; see " + server,
                        () -> !server.isAlive() || serverLog().contains("io.etcdmp.EtcdMicroprofileException"))
                .until(() -> Http.get(uri).ok());
    }

    /** The registry records of this application, key to value. */
    protected Map<String, String> records() {
        return etcd.ctl().getPrefix("/services/" + service() + "/");
    }

    protected JsonObject onlyRecord() {
        Map<String, String> records = records();
        assertEquals(1, records.size(), "records under /services/" + service() + "/: " + records);
        return Json.createReader(new StringReader(records.values().iterator().next())).readObject();
    }

    protected String serverLog() {
        StringBuilder all = new StringBuilder();
        for (Path file : logFiles()) {
            all.append(ServerProcess.read(file));
        }
        // without the colours (Payara writes "ESC[1;93mWARNING", where "\\bWARNING" would never match)
        return ANSI_COLOUR.matcher(all).replaceAll("");
    }

    /** The {@code n}th record of the application created (1 = the first) appeared while it served ({@link RecordAppearances}). */
    protected void assertRecordAppearedWhileServing(int n) {
        appearances.assertAppearedWhileServing(n, url("greeting"));
    }

    protected static String seconds(long nanos) {
        return String.format("%.1f s", nanos / 1e9);
    }

    protected static String millis(long nanos) {
        return String.format("%d ms", nanos / 1_000_000);
    }
}
