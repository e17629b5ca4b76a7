package io.etcdmp.testing;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one-line extension on its own: endpoints property, clearing between tests, fault operations, repair. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalEtcdTest {

    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.start();

    @Test
    @Order(1)
    void setsTheEndpointsPropertyBeforeTheFirstTest() {
        assertEquals(etcd.endpoints(), System.getProperty("etcd.endpoints"));
        assertTrue(etcd.endpoints().startsWith("http://127.0.0.1:"), etcd.endpoints());
    }

    @Test
    @Order(2)
    void aTestWritesKeys() {
        etcd.put("/config/app/greeting", "hello");
        etcd.put("/other", "x");
        assertEquals(Optional.of("hello"), etcd.get("/config/app/greeting"));
        assertEquals(Map.of("/config/app/greeting", "hello"), etcd.getPrefix("/config/"));
    }

    @Test
    @Order(3)
    void theNextTestStartsWithAnEmptyKeyspace() {
        assertEquals(Map.of(), etcd.getPrefix(""));
    }

    @Test
    @Order(4)
    void aKilledMemberAnswersNothingUntilStartedAgain() {
        etcd.put("/k", "before");
        etcd.kill(0);
        assertFalse(etcd.cluster().isRunning(0));
        assertThrows(IllegalStateException.class, () -> etcd.ctl().withCommandTimeout(java.time.Duration.ofSeconds(1)).get("/k"));
        etcd.start(0);
        assertEquals(Optional.of("before"), etcd.get("/k"));
    }

    @Test
    @Order(5)
    void aPausedMemberHangsUntilResumed() {
        etcd.pause(0);
        assertTrue(etcd.cluster().isRunning(0), "a paused member is alive");
        assertThrows(IllegalStateException.class,
                () -> etcd.ctl().withCommandTimeout(java.time.Duration.ofSeconds(1)).put("/k", "while paused"));
        etcd.resume(0);
        etcd.put("/k", "after");
        assertEquals(Optional.of("after"), etcd.get("/k"));
    }

    @Test
    @Order(6)
    void compactionDropsOlderRevisions() {
        etcd.put("/k", "1");
        long first = etcd.ctl().revision();
        etcd.put("/k", "2");
        long compacted = etcd.compact();
        assertTrue(compacted > first, compacted + " > " + first);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> etcd.ctl().run("get", "/k", "--rev=" + first));
        assertTrue(e.getMessage().contains("compacted"), e.getMessage());
    }

    @Test
    @Order(7)
    void aTestMayLeaveEtcdStopped() {
        etcd.stopAll();
        assertFalse(etcd.cluster().isRunning(0));
    }

    @Test
    @Order(8)
    void theNextTestFindsItRunningAgain() {
        assertTrue(etcd.cluster().isRunning(0));
        assertEquals(Map.of(), etcd.getPrefix(""));
        etcd.restart(0);
        etcd.put("/k", "after restart");
        assertEquals(Optional.of("after restart"), etcd.get("/k"));
    }
}
