package io.etcdmp.it.support;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.registry.EtcdServiceRegistry;
import io.etcdmp.internal.registry.RegistrySettings;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.testing.EtcdCluster;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the library must do inside every runtime, checked against a real etcd and the real server: the
 * application in {@code it/app} deployed there, bound to 127.0.0.1 on a free port. A runtime's test
 * extends this and says how to start and stop its server. The steps run in order on one server; the
 * graceful stop and the log check come last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
public abstract class RuntimeContract {
    protected static final String GREETING_KEY = "/config/application/it.greeting";
    /**
     * The two properties {@code GET /api/lookups} times: one in etcd, one in the runtime's in-memory source
     * (each runtime module's {@code META-INF/microprofile-config.properties} holds {@code it.lookup.memory}
     * with this same value, it-app.jar's holds {@code it.lookup.above} at ordinal 280), so that every lookup
     * returns the same string.
     */
    protected static final String LOOKUP_ETCD_KEY = "/config/application/it.lookup.etcd";
    protected static final String LOOKUP_VALUE = "jdbc:postgresql://db:5432/orders";
    /** Longer than any test step: a record that disappears quickly was revoked, not expired. */
    protected static final Duration REGISTRY_TTL = Duration.ofSeconds(60);
    private static final Duration DEREGISTRATION_LIMIT = Duration.ofSeconds(1);
    /** How soon callers must stop calling an instance that drains or leaves. */
    private static final Duration NO_CALLS_LIMIT = Duration.ofSeconds(1);
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
    protected int port;
    protected ServerProcess server;
    protected final Map<String, String> timings = new LinkedHashMap<>();
    /** The called services' side: a registry in this JVM that registers them and watches the application. */
    private EtcdConnection peerConnection;
    private ServiceRegistry peerRegistry;
    private final List<CalledService> called = new ArrayList<>();
    private final Map<String, Registration> peerRegistrations = new LinkedHashMap<>();
    /** Each time a record of this application was created in etcd: what the application answered at that moment. */
    private final List<Appearance> appearances = new CopyOnWriteArrayList<>();
    private final List<Throwable> watchFailures = new CopyOnWriteArrayList<>();
    private ExecutorService appearanceRequests;
    private Watch.Watcher recordWatch;

    /** A record created under /services/&lt;service&gt;/ and the answer to {@code GET /api/greeting} sent when the test saw it. */
    protected record Appearance(String key, Http.Response answer) {
    }

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
        return p;
    }

    @BeforeAll
    void startEtcdAndServer() throws Exception {
        etcd = EtcdCluster.start();
        etcd.ctl().put(GREETING_KEY, "hello from etcd");
        etcd.ctl().put(LOOKUP_ETCD_KEY, LOOKUP_VALUE);
        port = LoopbackPorts.free();
        watchRecordsAppearing();
        long start = System.nanoTime();
        server = startServer(librarySettings());
        awaitAnswer(url("greeting"), bootLimit());
        timings.put("boot to first answer", seconds(System.nanoTime() - start));
    }

    @AfterAll
    void stopServerAndEtcd() {
        try {
            if (recordWatch != null) {
                recordWatch.close();
                appearanceRequests.shutdownNow();
            }
            if (server != null) {
                server.close();
            }
            if (peerRegistry != null) {
                peerRegistry.close();
                peerConnection.close();
            }
            called.forEach(CalledService::close);
        } finally {
            if (etcd != null) {
                etcd.close();
            }
            System.out.println("[it] " + runtime() + " timings: " + timings);
        }
    }

    @Test
    @Order(1)
    void configPropertyFromEtcdIsServedOverHttp() {
        Http.Response r = Http.get(url("greeting"));
        assertEquals(200, r.status(), r.body());
        assertEquals("hello from etcd", r.body());
    }

    @Test
    @Order(2)
    void changedValueIsServedWithinThePromisedTime() {
        List<Long> latencies = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String value = "changed " + i;
            long start = System.nanoTime();
            etcd.ctl().put(GREETING_KEY, value);
            Awaitility.await("'" + value + "' over HTTP").atMost(liveWithin()).pollInterval(Duration.ofMillis(20))
                    .until(() -> value.equals(Http.get(url("greeting")).body()));
            latencies.add(System.nanoTime() - start);
        }
        timings.put("etcd put to new value over HTTP (3 changes)", latencies.stream().map(RuntimeContract::millis).toList()
                .toString());
    }

    /**
     * The record must not exist while the application does not serve: the moment the test sees a record of the
     * application created in etcd (a watch from before the server started), it requests the application, which
     * must answer (never a refused connection, nor the runtime's 404/503 for an application still deploying).
     */
    @Test
    @Order(0)
    void recordAppearsOnlyOnceTheApplicationServes() {
        assertRecordAppearedWhileServing(1);
        assertEquals(1, appearances.size(), "records created: " + appearances);
    }

    @Test
    @Order(3)
    void applicationIsRegisteredWithItsRealHostAndPort() {
        JsonObject record = onlyRecord();
        assertEquals("127.0.0.1:" + port, record.getString("Addr"), record.toString());
    }

    @Test
    @Order(4)
    void injectedServiceRegistryListsTheApplication() {
        Http.Response r = Http.get(url("services/" + service()));
        assertEquals(200, r.status(), r.body());
        assertEquals(service() + "-127.0.0.1-" + port + " 127.0.0.1:" + port, r.body());
    }

    @Test
    @Order(5)
    void serverListensOnLoopbackOnly() {
        List<ListeningSockets.Socket> sockets = ListeningSockets.of(serverJvm().pid());
        assertTrue(sockets.stream().anyMatch(s -> s.port() == port && s.loopback()), "HTTP on 127.0.0.1:" + port
                + " among " + sockets);
        assertEquals(List.of(), sockets.stream().filter(s -> !s.loopback()).toList(),
                "sockets of the server JVM listening beyond loopback");
    }

    @Test
    @Order(6)
    void restClientCallsAServiceByNameAlternatingBetweenItsTwoInstances() {
        registerPeer("a");
        registerPeer("b");
        long start = System.nanoTime();
        // the first call creates the Rest Client and starts the cache of the service: slow in a cold server
        Awaitility.await("a first answer through http://" + peerService() + ".etcd").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100)).until(() -> Http.get(url("peer")).ok());
        timings.put("first call by name", millis(System.nanoTime() - start));
        List<String> answers = new ArrayList<>();
        Awaitility.await("both instances of " + peerService() + " answer through http://" + peerService() + ".etcd")
                .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
                    answers.add(callPeer("hello"));
                    return answers.contains("a /hello") && answers.contains("b /hello");
                });
        List<String> next = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            next.add(callPeer("hello"));
        }
        for (int i = 1; i < next.size(); i++) {
            assertTrue(List.of("a /hello", "b /hello").contains(next.get(i)) && !next.get(i).equals(next.get(i - 1)),
                    "requests alternate between the two instances: " + next);
        }
    }

    @Test
    @Order(7)
    void aDrainingInstanceGetsNoFurtherCallsWithinOneSecond() throws Exception {
        Registration b = peerRegistrations.get("b");
        long start = System.nanoTime();
        CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> b.drain(Duration.ofSeconds(5)));
        int sent = callPeerFor(start);
        timings.put("last call reaching the draining instance, after the drain began", lastCall("b", start, sent));
        assertOnlyCalled("a", "b");
        assertTrue(called("b").lastReceivedNanos() - start < NO_CALLS_LIMIT.toNanos(), "b got a call more than "
                + NO_CALLS_LIMIT + " after it began draining");
        drained.get(30, TimeUnit.SECONDS);
    }

    @Test
    @Order(8)
    void anInstanceThatLeftGetsNoFurtherCallsWithinOneSecond() {
        registerPeer("c");
        Awaitility.await("c answers too").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> callPeer("hello").startsWith("c "));
        long start = System.nanoTime();
        peerRegistrations.remove("a").close();
        int sent = callPeerFor(start);
        timings.put("last call reaching the instance that left, after its revoke began", lastCall("a", start, sent));
        assertOnlyCalled("c", "a");
        assertTrue(called("a").lastReceivedNanos() - start < NO_CALLS_LIMIT.toNanos(), "a got a call more than "
                + NO_CALLS_LIMIT + " after it left");
    }

    @Test
    @Order(9)
    void aCallWithNoInstanceFailsNamingTheServiceAndThePrefix() {
        peerRegistrations.remove("c").close();
        Awaitility.await("no instance left").atMost(NO_CALLS_LIMIT).pollInterval(Duration.ofMillis(10))
                .until(() -> Http.get(url("peer")).status() == 503);
        Http.Response r = Http.get(url("peer"));
        assertEquals(503, r.status(), r.body());
        assertTrue(r.body().contains("jakarta.ws.rs.ProcessingException") && r.body().contains("'" + peerService() + "'")
                && r.body().contains("/services/" + peerService() + "/"), "the error names the service and the prefix: " + r.body());
    }

    /**
     * {@code GET /api/lookups} times {@code Config.getValue} of the etcd property against the in-memory one in
     * the server (the figure of {@code ./bench.sh --only=runtimes}, which sets the counts through the system
     * properties {@code it.lookups.rounds}, {@code it.lookups.warmup} and {@code it.lookups.round-ms}); here it
     * must answer with both figures, each property found in its source. The answer is kept in
     * {@code target/lookups-<runtime>.json} for the benchmark to read. No timing is asserted: speed is the
     * benchmark's business.
     */
    @Test
    @Order(50)
    void lookupsOfAnEtcdPropertyAndAnInMemoryOneAreTimedInsideTheServer() throws Exception {
        int rounds = Integer.getInteger("it.lookups.rounds", 3);
        int warmup = Integer.getInteger("it.lookups.warmup", 1);
        int roundMillis = Integer.getInteger("it.lookups.round-ms", 2);
        URI uri = URI.create(url("lookups") + "?rounds=" + rounds + "&warmup=" + warmup + "&round-ms=" + roundMillis);
        long start = System.nanoTime();
        Http.Response r = Http.get(uri, Duration.ofMinutes(3));
        timings.put("lookups measured (" + rounds + " rounds)", seconds(System.nanoTime() - start));
        assertEquals(200, r.status(), r.body());
        JsonObject result = Json.createReader(new StringReader(r.body())).readObject();
        for (String figure : List.of("etcdNs", "memoryNs", "aboveNs", "ratio", "ratioAbove")) {
            assertTrue(result.getJsonNumber(figure).doubleValue() > 0, figure + " is positive: " + result);
        }
        JsonObject etcdFound = result.getJsonObject("etcd");
        JsonObject memoryFound = result.getJsonObject("memory");
        assertEquals(LOOKUP_VALUE, etcdFound.getString("value"), result.toString());
        assertTrue(etcdFound.getString("source").startsWith("etcd["), "the etcd property comes from etcd: " + etcdFound);
        assertEquals(LOOKUP_VALUE, memoryFound.getString("value"), result.toString());
        assertTrue(!memoryFound.getString("source").startsWith("etcd["), "the in-memory property does not: " + memoryFound);
        JsonObject aboveFound = result.getJsonObject("above");
        assertEquals(LOOKUP_VALUE, aboveFound.getString("value"), result.toString());
        assertTrue(aboveFound.getInt("ordinal") > etcdFound.getInt("ordinal") && memoryFound.getInt("ordinal") < etcdFound.getInt("ordinal"),
                "one in-memory property is consulted before etcd, the other after: " + result);
        JsonObject kept = Json.createObjectBuilder().add("runtime", runtime()).add("result", result).build();
        Files.writeString(Path.of("target", "lookups-" + runtime() + ".json"), kept.toString(), StandardCharsets.UTF_8);
    }

    @Test
    @Order(100)
    void gracefulStopDrainsThenRemovesTheRecordWithinOneSecondOfTheExit() throws Exception {
        onlyRecord();
        List<String> statuses = new CopyOnWriteArrayList<>();
        List<Integer> servedWhileDraining = new CopyOnWriteArrayList<>();
        peers().instances(service());
        try (AutoCloseable watch = peers().watch(service(), instances -> {
            String status = instances.isEmpty() ? "gone" : instances.get(0).status();
            statuses.add(status);
            if (status.equals("DRAINING")) {
                CompletableFuture.runAsync(() -> servedWhileDraining.add(Http.get(url("greeting")).status()));
            }
        })) {
            long start = System.nanoTime();
            stopGracefully();
            long exited = System.nanoTime();
            Awaitility.await("the registration of " + service() + " removed").atMost(DEREGISTRATION_LIMIT)
                    .pollInterval(Duration.ofMillis(20)).until(() -> records().isEmpty());
            timings.put("stop to process exit", seconds(exited - start));
            timings.put("record gone after exit", millis(System.nanoTime() - exited));
            Awaitility.await("the watcher saw the record go").atMost(Duration.ofSeconds(5)).until(() -> statuses.contains("gone"));
            assertEquals(List.of("DRAINING", "gone"), statuses, "the record said DRAINING before it was revoked");
            Awaitility.await("the request sent while draining answered or failed").atMost(Duration.ofSeconds(10))
                    .until(() -> !servedWhileDraining.isEmpty());
            timings.put("HTTP status of a request sent while draining", servedWhileDraining.toString());
            if (servesWhileDraining()) {
                assertEquals(List.of(200), servedWhileDraining, "the application still serves while it drains");
            }
        }
    }

    /**
     * Watches this application's records from the current revision on (so no creation is missed) and, the moment
     * one is created, requests {@code GET /api/greeting} from the application on another thread.
     */
    private void watchRecordsAppearing() throws Exception {
        appearanceRequests = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "it-record-appearance");
            t.setDaemon(true);
            return t;
        });
        peers();
        ByteSequence prefix = ByteSequence.from("/services/" + service() + "/", StandardCharsets.UTF_8);
        long revision = peerConnection.client().getKVClient().get(prefix, GetOption.builder().isPrefix(true).withCountOnly(true).build())
                .get(30, TimeUnit.SECONDS).getHeader().getRevision();
        recordWatch = peerConnection.client().getWatchClient().watch(prefix,
                WatchOption.builder().isPrefix(true).withRevision(revision + 1).build(), response -> {
                    for (WatchEvent event : response.getEvents()) {
                        if (event.getEventType() == WatchEvent.EventType.PUT && event.getKeyValue().getVersion() == 1) {
                            String key = event.getKeyValue().getKey().toString(StandardCharsets.UTF_8);
                            appearanceRequests.execute(() -> appearances.add(new Appearance(key, Http.get(url("greeting")))));
                        }
                    }
                }, watchFailures::add);
    }

    /** The {@code n}th record created (1 = the first) appeared while the application served (answered 200). */
    protected void assertRecordAppearedWhileServing(int n) {
        Awaitility.await("record number " + n + " of " + service() + " created and the application requested")
                .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> appearances.size() >= n);
        assertEquals(List.of(), watchFailures, "the watch of the records");
        Appearance appearance = appearances.get(n - 1);
        assertEquals(200, appearance.answer().status(), "the moment " + appearance.key() + " appeared in etcd, "
                + url("greeting") + " answered " + appearance.answer().status() + ": " + appearance.answer().body());
    }

    private ServiceRegistry peers() {
        if (peerRegistry == null) {
            Map<String, String> settings = Map.of("etcd.endpoints", etcd.endpoints());
            peerConnection = EtcdConnections.acquire(EtcdSettings.from(name -> Optional.ofNullable(settings.get(name))));
            peerRegistry = new EtcdServiceRegistry(peerConnection, RegistrySettings.from(name -> Optional.empty(), Map.of()));
        }
        return peerRegistry;
    }

    private void registerPeer(String name) {
        CalledService service = new CalledService(name);
        called.add(service);
        peerRegistrations.put(name, peers().register(new ServiceInstance(peerService(), name, "127.0.0.1", service.port(),
                "http", Map.of(), Optional.empty())));
    }

    private CalledService called(String name) {
        return called.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    /** Calls the peer through the application until {@link #NO_CALLS_LIMIT} has passed since {@code start}; how many calls. */
    private int callPeerFor(long start) {
        int sent = 0;
        while (System.nanoTime() - start < NO_CALLS_LIMIT.toNanos()) {
            callPeer("hello");
            sent++;
        }
        return sent;
    }

    private String lastCall(String instance, long start, int sent) {
        long last = called(instance).lastReceivedNanos() - start;
        return (last < 0 ? "none" : millis(last)) + " (" + sent + " calls in the first " + NO_CALLS_LIMIT.toMillis() + " ms)";
    }

    /** The application's answer to {@code GET /api/peer}, which calls {@code <path>} (always /hello) by name. */
    private String callPeer(String path) {
        Http.Response r = Http.get(url("peer"));
        assertEquals(200, r.status(), r.body());
        return r.body();
    }

    /** The next calls all go to {@code to}, and {@code notTo} receives none of them. */
    private void assertOnlyCalled(String to, String notTo) {
        int before = called(notTo).received();
        for (int i = 0; i < 6; i++) {
            String answer = callPeer("hello");
            assertTrue(answer.startsWith(to + " "), "answered by " + to + ": " + answer);
        }
        assertEquals(before, called(notTo).received(), notTo + " received no further calls");
    }

    @Test
    @Order(101)
    void serverLogHasNoWarningOrErrorFromTheLibrary() {
        String log = serverLog();
        assertTrue(log.contains("etcd-microprofile active"), "the library's INFO lines reach the log checked here:\n"
                + tail(log));
        List<String> problems = log.lines().filter(this::isLibraryProblem).toList();
        assertEquals(List.of(), problems, "warnings or errors from io.etcdmp in the server log");
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

    protected static String seconds(long nanos) {
        return String.format("%.1f s", nanos / 1e9);
    }

    protected static String millis(long nanos) {
        return String.format("%d ms", nanos / 1_000_000);
    }

    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
