package io.etcdmp.it.support;

import io.etcdmp.registry.Registration;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.awaitility.Awaitility;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the library must do inside every runtime, checked against a real etcd and the real server: the
 * application in {@code it/app} deployed there, bound to 127.0.0.1 on a free port. A runtime's test
 * extends this and says how to start and stop its server ({@link RuntimeUnderTest}). The steps run in
 * order on one server; the graceful stop and the log check come last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
public abstract class RuntimeContract extends RuntimeUnderTest {
    /**
     * The record must not exist while the application does not serve: the moment the test sees a record of the
     * application created in etcd (a watch from before the server started), it requests the application, which
     * must answer (never a refused connection, nor the runtime's 404/503 for an application still deploying).
     */
    @Test
    @Order(0)
    void recordAppearsOnlyOnceTheApplicationServes() {
        assertRecordAppearedWhileServing(1);
        assertEquals(1, appearances.count(), "records created: " + appearances);
    }

    @Test
    @Order(1)
    void configPropertyFromEtcdIsServedOverHttp() {
        Http.Response r = Http.get(url("greeting"));
        assertEquals(200, r.status(), r.body());
        assertEquals("hello from etcd", r.body());
    }

    /**
     * A value put in etcd encrypted ({@link EncryptedSecret}: SmallRye's {@code ${aes-gcm-nopadding::...}} form), its key
     * given to the server as an operator would ({@link #serverEnvironment()}), reaches {@code @ConfigProperty} in clear
     * from the etcd source, whatever the runtime's own Config does with such expressions; so does a change to another
     * encrypted value. Only SHA-256 hashes go over HTTP. Neither the cache file (as far as written yet) nor the
     * server log holds a clear text or the key.
     */
    @Test
    @Order(1)
    void anEncryptedValueInEtcdReachesConfigPropertyInClear() {
        JsonObject first = secretAnswer();
        assertEquals(secret.sha256(), first.getString("sha256"), "the application read the clear text (SHA-256 compared): " + first);
        assertTrue(first.getString("source").startsWith("etcd["), "found in the etcd source: " + first);
        EncryptedSecret changed = secret.another();
        secretsPut.add(changed);
        etcd.ctl().put(SECRET_KEY, changed.stored());
        secret = changed;
        Awaitility.await("the changed encrypted value read in clear").atMost(liveWithin()).pollInterval(Duration.ofMillis(20))
                .until(() -> changed.sha256().equals(secretAnswer().getString("sha256")));
        assertNoSecretInClear();
    }

    private JsonObject secretAnswer() {
        Http.Response r = Http.get(url("secret"));
        assertEquals(200, r.status(), r.body());
        return Json.createReader(new StringReader(r.body())).readObject();
    }

    private void assertNoSecretInClear() {
        String cache = ServerProcess.read(cacheFile());
        String log = serverLog();
        for (EncryptedSecret s : secretsPut) {
            s.assertNotIn("the cache file " + cacheFile(), cache);
            s.assertNotIn("the server log " + logFiles(), log);
        }
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
                    answers.add(calls().call());
                    return answers.contains("a /hello") && answers.contains("b /hello");
                });
        List<String> next = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            next.add(calls().call());
        }
        for (int i = 1; i < next.size(); i++) {
            assertTrue(List.of("a /hello", "b /hello").contains(next.get(i)) && !next.get(i).equals(next.get(i - 1)),
                    "requests alternate between the two instances: " + next);
        }
    }

    @Test
    @Order(7)
    void aDrainingInstanceGetsNoFurtherCallsWithinOneSecond() throws Exception {
        Registration b = peers.registration("b");
        long start = System.nanoTime();
        CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> b.drain(Duration.ofSeconds(5)));
        int sent = calls().callFor(start);
        timings.put("last call reaching the draining instance, after the drain began", calls().lastCall("b", start, sent));
        calls().assertOnlyCalled("a", "b");
        assertTrue(called("b").lastReceivedNanos() - start < NO_CALLS_LIMIT.toNanos(), "b got a call more than "
                + NO_CALLS_LIMIT + " after it began draining");
        drained.get(30, TimeUnit.SECONDS);
    }

    @Test
    @Order(8)
    void anInstanceThatLeftGetsNoFurtherCallsWithinOneSecond() {
        registerPeer("c");
        Awaitility.await("c answers too").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> calls().call().startsWith("c "));
        long start = System.nanoTime();
        peers.remove("a").close();
        int sent = calls().callFor(start);
        timings.put("last call reaching the instance that left, after its revoke began", calls().lastCall("a", start, sent));
        calls().assertOnlyCalled("c", "a");
        assertTrue(called("a").lastReceivedNanos() - start < NO_CALLS_LIMIT.toNanos(), "a got a call more than "
                + NO_CALLS_LIMIT + " after it left");
    }

    /**
     * {@code PeerClient} carries {@code @ServiceNameFilter.EjectOnConnectFailure}: the runtime's Rest Client runs
     * the library's interceptor around each call, so the first refused connection ejects the instance.
     */
    @Test
    @Order(9)
    void anInstanceThatRefusesConnectionsGetsAtMostOneOfOneHundredCallsWithoutRetry() {
        peers.registerRefusing(peerService(), "refusing");
        int failed = 0;
        try {
            Awaitility.await("the refusing instance is chosen (its call fails)").atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(10)).until(() -> Http.get(url("peer")).status() == 503);
            failed = calls().failuresOf(100);
        } finally {
            peers.remove("refusing").close(); // the next test expects the service's last instance to go
        }
        assertTrue(failed <= 1, failed + " of 100 calls failed after the refusing instance's first failure");
    }

    @Test
    @Order(10)
    void aCallWithNoInstanceFailsNamingTheServiceAndThePrefix() {
        peers.remove("c").close();
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
        peers.registry().instances(service());
        try (AutoCloseable watch = peers.registry().watch(service(), instances -> {
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

    private PeerCalls calls() {
        return new PeerCalls(peers, url("peer"), NO_CALLS_LIMIT);
    }

    private void registerPeer(String name) {
        peers.register(peerService(), name);
    }

    private CalledService called(String name) {
        return peers.called(name);
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

    /**
     * After the stop: the cache file holds the last encrypted value as stored in etcd (the source writes what is left
     * when it closes; while running it paces its writes, at least 20 times the last write's duration apart, and a
     * change once took over 10 s to reach the file on Liberty on the loaded machine), and neither it nor the whole server log holds a clear
     * text of a secret put in this run, nor the key.
     */
    @Test
    @Order(102)
    void neitherTheServerLogNorTheCacheFileHoldsASecretOrItsKeyInClear() {
        Awaitility.await("the cache file " + cacheFile() + " holds the last encrypted value as stored in etcd")
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> ServerProcess.read(cacheFile()).contains(secret.ciphertext()));
        assertNoSecretInClear();
    }

    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
