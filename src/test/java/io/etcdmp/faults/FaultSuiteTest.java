package io.etcdmp.faults;

import io.etcdmp.testing.EtcdCluster;
import io.etcdmp.testing.Etcdctl;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.StringReader;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fault suite: real 3-member clusters, continuous writes to both config prefixes and a registered
 * instance; one fault per test. After each: the config source equals etcd key by key, change events
 * replay to it in revision order, every acknowledged write is there, and the registration is present
 * exactly once. Measurements go to {@code target/reliability/faults.tsv} (see {@link ReliabilityReport}).
 *
 * <p>{@code -Dfaults.writes=N} sets the writes per scenario (default 1500: 7 scenarios, over 10,000
 * writes); the long run in the README uses more.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.MethodName.class)
class FaultSuiteTest {
    static final int WRITES = Integer.getInteger("faults.writes", 1500);
    static final AtomicInteger TOTAL = new AtomicInteger();
    static final AtomicInteger EVENTS_LOST = new AtomicInteger();

    @BeforeAll
    static void header() {
        ReliabilityReport.row("faults", "scenario", "fault injected", "writes (acknowledged)", "properties compared",
                "change events", "writes / events lost", "longest write outage", "config recovered after", "registration");
    }

    @AfterAll
    static void total() {
        System.out.println("Fault suite: " + TOTAL.get() + " acknowledged writes, " + EVENTS_LOST.get() + " change events lost");
    }

    private static void record(FaultResult result) {
        TOTAL.addAndGet(result.writes);
        EVENTS_LOST.addAndGet(result.eventsLost);
        ReliabilityReport.row("faults", result.scenario, result.fault, Integer.toString(result.writes),
                Integer.toString(result.keysCompared), Integer.toString(result.events),
                "0 / " + result.eventsLost,
                FaultResult.millis(result.writeOutage), FaultResult.millis(result.recovery), result.registrationCell());
    }

    private static int before() {
        return WRITES * 3 / 10;
    }

    @Test
    void a_leaderKilledWithSigkillLosesNothingAndKeepsTheRegistration() throws Exception {
        try (FaultRig rig = FaultRig.start("leader kill -9", "SIGKILL of the leader, restarted later", WRITES)) {
            rig.startWriting();
            rig.awaitWrites(before());
            int leader = rig.etcd.leader();
            rig.etcd.kill(leader);
            rig.healed();
            rig.awaitWrites(WRITES * 7 / 10);
            rig.etcd.start(leader);
            FaultResult result = rig.finish(WRITES);
            assertThat(result.reRegistrations).as("a leader change must not cost the lease").isZero();
            assertKept(result);
            record(result);
        }
    }

    @Test
    void b_followerKilledLosesNothingAndKeepsTheRegistration() throws Exception {
        try (FaultRig rig = FaultRig.start("follower kill", "SIGKILL of a follower, restarted later", WRITES)) {
            rig.startWriting();
            rig.awaitWrites(before());
            int follower = (rig.etcd.leader() + 1) % 3;
            rig.etcd.kill(follower);
            rig.healed();
            rig.awaitWrites(WRITES * 7 / 10);
            rig.etcd.start(follower);
            FaultResult result = rig.finish(WRITES);
            assertThat(result.reRegistrations).isZero();
            assertKept(result);
            record(result);
        }
    }

    @Test
    void c_leaderStalledLongerThanAnElectionLosesNothing() throws Exception {
        Duration stall = Duration.ofMillis(2500);
        try (FaultRig rig = FaultRig.start("leader SIGSTOP", "SIGSTOP of the leader for " + stall.toMillis()
                + " ms (5 election timeouts), then SIGCONT", WRITES)) {
            rig.startWriting();
            rig.awaitWrites(before());
            int leader = rig.etcd.leader();
            rig.etcd.pause(leader);
            long paused = System.nanoTime();
            int atPause = rig.acked();
            await("writes continue on the new leader during the stall").atMost(Duration.ofSeconds(60))
                    .until(() -> rig.acked() > atPause + 50 && System.nanoTime() - paused >= stall.toNanos());
            rig.etcd.resume(leader);
            rig.healed();
            record(rig.finish(WRITES));
        }
    }

    @Test
    void d_rollingRestartOfAllMembersLosesNothingAndKeepsTheRegistration() throws Exception {
        try (FaultRig rig = FaultRig.start("rolling restart", "each member in turn: SIGTERM, writes go on, start, healthy",
                WRITES)) {
            rig.startWriting();
            rig.awaitWrites(before());
            for (int i = 0; i < 3; i++) {
                rig.etcd.stop(i);
                rig.awaitWrites(rig.acked() + WRITES / 10);
                rig.etcd.start(i);
            }
            rig.healed();
            FaultResult result = rig.finish(WRITES);
            assertThat(result.reRegistrations).isZero();
            assertKept(result);
            record(result);
        }
    }

    /** What "keeps the registration" means: the same lease, and no watcher ever saw the instance missing. */
    private static void assertKept(FaultResult result) {
        assertThat(result.registrationSeenMissing).as("the registration was missing from a watcher's view").isFalse();
    }

    @Test
    void e_wholeClusterStoppedLongerThanTheLeaseTtlComesBackWithEverythingAndOneRegistration() throws Exception {
        try (FaultRig rig = FaultRig.start("full-cluster stop", "all members stopped for longer than the lease TTL ("
                + FaultRig.TTL.toSeconds() + " s), then started", WRITES)) {
            rig.startWriting();
            rig.awaitWrites(before());
            rig.etcd.stopAll();
            long stopped = System.nanoTime();
            await("the keeper notices the lost lease while etcd is down").atMost(Duration.ofSeconds(30))
                    .until(() -> !rig.registration.isRegistered()
                            && System.nanoTime() - stopped > FaultRig.TTL.plusSeconds(1).toNanos());
            rig.etcd.startAll();
            rig.healed();
            FaultResult result = rig.finish(WRITES);
            assertThat(result.reRegistrations).isGreaterThanOrEqualTo(1);
            assertThat(result.registrationBack).as("registered again within one TTL of etcd's return")
                    .isLessThanOrEqualTo(FaultRig.TTL);
            record(result);
        }
    }

    @Test
    void f_compactionAndDefragPastTheClientsRevisionWhileItIsCutOffAreRecovered() throws Exception {
        EtcdCluster etcd = EtcdCluster.builder().members(3).start();
        // the application knows only member 0: stopping it cuts the client off while the cluster goes on
        try (FaultRig rig = FaultRig.start("compaction + defrag while cut off", "the client's only member stopped; "
                + "writes, compaction to the latest revision and defrag on the others; member restarted", etcd,
                etcd.endpoint(0), WRITES)) {
            Etcdctl others = Etcdctl.forEndpoints(etcd.endpoint(1) + "," + etcd.endpoint(2));
            rig.startWriting();
            rig.awaitWrites(before());
            long clientAt = rig.source.revision();
            etcd.stop(0);
            rig.awaitWrites(rig.acked() + WRITES / 5);
            long latest = others.revision();
            others.compact(latest);
            others.defrag();
            assertThat(latest).as("compacted past the client's revision").isGreaterThan(clientAt + 1);
            rig.awaitWrites(rig.acked() + WRITES / 10);
            etcd.start(0);
            rig.healed();
            record(rig.finish(WRITES));
        }
    }

    @Test
    void g_removingTheClientsEndpointFromTheClusterLosesNothing() throws Exception {
        try (FaultRig rig = FaultRig.start("endpoint removed", "member 0 (first of the client's endpoints) removed from the "
                + "cluster with `member remove`; the others stay", WRITES)) {
            rig.startWriting();
            rig.awaitWrites(before());
            String id = memberId(rig.etcd, rig.etcd.endpoint(0));
            Etcdctl.forEndpoints(rig.etcd.endpoint(1) + "," + rig.etcd.endpoint(2)).run("member", "remove", id);
            rig.healed();
            await("the removed member shuts itself down").atMost(Duration.ofSeconds(30)).until(() -> !rig.etcd.isRunning(0));
            FaultResult result = rig.finish(WRITES);
            assertThat(result.reRegistrations).isZero();
            record(result);
        }
    }

    /** The hex member id of the member serving {@code clientUrl}. */
    private static String memberId(EtcdCluster etcd, String clientUrl) {
        JsonObject list = Json.createReader(new StringReader(etcd.ctl().run("member", "list", "-w", "json"))).readObject();
        for (JsonValue m : list.getJsonArray("members")) {
            JsonObject member = m.asJsonObject();
            if (member.getJsonArray("clientURLs").getString(0).equals(clientUrl)) {
                return member.getJsonNumber("ID").bigIntegerValue().toString(16);
            }
        }
        throw new AssertionError("no member serves " + clientUrl + ": " + list);
    }
}
