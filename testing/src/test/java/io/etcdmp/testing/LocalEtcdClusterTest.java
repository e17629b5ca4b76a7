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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The 3-member variant: a class of its own, leader failover, only the given prefix cleared. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalEtcdClusterTest {

    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.builder().members(3).clearing("/config/").ownCluster().start();

    @Test
    @Order(0)
    void threeMembersServeAndTheEndpointsPropertyNamesThemAll() {
        assertEquals(3, etcd.size());
        assertEquals(3, System.getProperty("etcd.endpoints").split(",").length);
        assertEquals(etcd.endpoints(), System.getProperty("etcd.endpoints"));
    }

    @Test
    @Order(3)
    void killingTheLeaderElectsAnotherAndWritesGoOn() {
        etcd.put("/config/app/x", "1");
        int leader = etcd.leader();
        etcd.kill(leader);
        int next = etcd.leader();
        assertNotEquals(leader, next);
        etcd.put("/config/app/x", "2");
        etcd.start(leader);
        assertEquals(Optional.of("2"), etcd.get("/config/app/x"));
        assertTrue(etcd.cluster().isRunning(leader));
    }

    @Test
    @Order(1)
    void aTestWritesInsideAndOutsideTheClearedPrefix() {
        etcd.put("/kept/x", "1");
        etcd.put("/config/app/y", "1");
        assertEquals(Optional.of("1"), etcd.get("/config/app/y"));
    }

    @Test
    @Order(2)
    void theNextTestFindsOnlyTheKeysOutsideIt() {
        assertEquals(Map.of(), etcd.getPrefix("/config/"));
        assertEquals(Optional.of("1"), etcd.get("/kept/x"));
    }
}
