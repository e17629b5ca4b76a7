package io.etcdmp.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Proves the harness itself: real etcd processes, member control, TLS, auth, compaction. */
@Timeout(60)
class EtcdClusterTest {

    private static final Duration SHORT = Duration.ofSeconds(1);

    @Test
    void singleMemberRoundTrip() {
        long t0 = System.nanoTime();
        try (EtcdCluster etcd = EtcdCluster.start()) {
            report("single member healthy", t0);
            assertEquals(1, etcd.size());
            assertTrue(etcd.endpoint(0).matches("http://127\\.0\\.0\\.1:\\d+"), etcd.endpoint(0));
            assertEquals(etcd.endpoint(0), etcd.endpoints());

            Etcdctl ctl = etcd.ctl();
            long before = ctl.revision();
            ctl.put("/a/x", "1");
            ctl.put("/a/y", "-two words\nand a line");
            ctl.put("/b", "");
            assertEquals(Optional.of("1"), ctl.get("/a/x"));
            assertEquals(Optional.of("-two words\nand a line"), ctl.get("/a/y"));
            assertEquals(Optional.of(""), ctl.get("/b"));
            assertEquals(Optional.empty(), ctl.get("/missing"));
            assertEquals(Map.of("/a/x", "1", "/a/y", "-two words\nand a line"), ctl.getPrefix("/a/"));
            assertEquals(before + 3, ctl.revision());
            assertEquals(1, ctl.del("/a/x"));
            assertEquals(0, ctl.del("/a/x"));
            assertEquals(Optional.empty(), ctl.get("/a/x"));
            assertEquals(0, etcd.leader());
        }
    }

    @Test
    void threeMembersFailOverAndRejoin() {
        long t0 = System.nanoTime();
        try (EtcdCluster etcd = EtcdCluster.builder().members(3).start()) {
            report("3 members healthy", t0);
            assertEquals(3, etcd.clientUrls().size());
            int leader = etcd.leader();
            etcd.ctl().put("/k", "before");

            long t1 = System.nanoTime();
            etcd.kill(leader);
            assertFalse(etcd.isRunning(leader));
            int newLeader = etcd.leader();
            report("new leader after kill", t1);
            assertNotEquals(leader, newLeader);
            etcd.ctl().put("/k", "during");

            long t2 = System.nanoTime();
            etcd.start(leader);
            report("killed member back healthy", t2);
            etcd.awaitHealthy(Duration.ofSeconds(10));
            // the restarted member caught up with the write it missed
            Etcdctl onlyRejoined = Etcdctl.forEndpoints(etcd.endpoint(leader));
            assertEquals(Optional.of("during"), onlyRejoined.get("/k"));

            int current = etcd.leader();
            etcd.pause(current);
            int another = etcd.leader(); // the paused one cannot keep its leadership
            assertNotEquals(current, another);
            etcd.resume(current);
            etcd.awaitHealthy(Duration.ofSeconds(10));

            etcd.stopAll();
            for (int i = 0; i < 3; i++) {
                assertFalse(etcd.isRunning(i));
            }
            long t3 = System.nanoTime();
            etcd.startAll();
            report("3 members restarted (startAll)", t3);
            assertEquals(Optional.of("during"), etcd.ctl().get("/k"));
        }
    }

    @Test
    void stopAndStartKeepsData() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.start()) {
            String endpoint = etcd.endpoint(0);
            etcd.ctl().put("/persist", "yes");
            etcd.stop(0);
            assertFalse(etcd.isRunning(0));
            assertTrue(Files.size(etcd.logFile(0)) > 0);
            etcd.start(0);
            assertEquals(endpoint, etcd.endpoint(0));
            assertEquals(Optional.of("yes"), etcd.ctl().get("/persist"));

            etcd.kill(0);
            etcd.start(0);
            assertEquals(Optional.of("yes"), etcd.ctl().get("/persist"));
        }
    }

    @Test
    void pauseAndResume() {
        try (EtcdCluster etcd = EtcdCluster.start()) {
            Etcdctl quick = etcd.ctl().withCommandTimeout(SHORT);
            quick.put("/p", "1");
            etcd.pause(0);
            assertTrue(etcd.isRunning(0));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> quick.get("/p"));
            assertTrue(e.getMessage().contains("exited with code"), e.getMessage());
            etcd.resume(0);
            assertEquals(Optional.of("1"), quick.get("/p"));
        }
    }

    @Test
    void tlsWithClientCertificate() throws Exception {
        long t0 = System.nanoTime();
        TestCertificates certs = TestCertificates.generate();
        Path certsDir = certs.dir();
        try (certs) {
            report("certificates generated", t0);
            assertTrue(Files.readString(certs.serverKey()).startsWith("-----BEGIN PRIVATE KEY-----"));
            assertTrue(Files.readString(certs.clientKey()).startsWith("-----BEGIN PRIVATE KEY-----"));
            try (EtcdCluster etcd = EtcdCluster.builder().tls(certs, true).start()) {
                assertTrue(etcd.isTls());
                assertTrue(etcd.endpoint(0).startsWith("https://127.0.0.1:"), etcd.endpoint(0));
                etcd.ctl().put("/tls", "ok");
                assertEquals(Optional.of("ok"), etcd.ctl().get("/tls"));

                Etcdctl noClientCert = Etcdctl.forEndpoints(etcd.endpoints()).withCommandTimeout(SHORT)
                        .withTls(certs.caCert(), null, null);
                assertThrows(IllegalStateException.class, () -> noClientCert.get("/tls"));
                Etcdctl wrongCa = Etcdctl.forEndpoints(etcd.endpoints()).withCommandTimeout(SHORT)
                        .withTls(certs.otherCaCert(), certs.clientCert(), certs.clientKey());
                assertThrows(IllegalStateException.class, () -> wrongCa.get("/tls"));
            }
        }
        assertFalse(Files.exists(certsDir));
    }

    @Test
    void compactionDefragAuthAndLeases() {
        try (EtcdCluster etcd = EtcdCluster.builder().authTokenTtl(Duration.ofSeconds(60)).start()) {
            Etcdctl ctl = etcd.ctl();
            ctl.put("/c", "v1");
            long old = ctl.revision();
            ctl.put("/c", "v2");
            ctl.compact(ctl.revision());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ctl.run("get", "/c", "--rev=" + old));
            assertTrue(e.getMessage().contains("compacted"), e.getMessage());
            ctl.defrag();
            assertEquals(Optional.of("v2"), ctl.get("/c"));

            long lease = ctl.leaseGrant(60);
            ctl.run("put", "/leased", "x", "--lease=" + Long.toHexString(lease));
            assertEquals(List.of(lease), ctl.leaseList());
            ctl.leaseRevoke(lease);
            assertEquals(List.of(), ctl.leaseList());
            assertEquals(Optional.empty(), ctl.get("/leased"));

            Etcdctl root = ctl.enableAuth("r00t:pw");
            assertThrows(IllegalStateException.class, () -> ctl.get("/c"));
            assertEquals(Optional.of("v2"), root.get("/c"));
            root.addUser("app", "app-pw");
            root.addRole("app-role");
            root.grantPermission("app-role", "readwrite", "/app/", true);
            root.grantRole("app", "app-role");
            Etcdctl app = ctl.withUser("app", "app-pw");
            app.put("/app/x", "1");
            assertEquals(Map.of("/app/x", "1"), app.getPrefix("/app/"));
            assertThrows(IllegalStateException.class, () -> app.get("/c"));
            etcd.awaitHealthy(Duration.ofSeconds(5)); // auth refusals still count as healthy
        }
    }

    @Test
    void missingBinaryFailsWithClearMessage() {
        String before = System.getProperty("etcd.test.binary");
        System.setProperty("etcd.test.binary", "/nonexistent/etcd");
        try {
            // 3 members: fails with or without a Docker engine (the container fallback is single-member)
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> EtcdCluster.builder().members(3).start());
            assertTrue(e.getMessage().startsWith("etcd server binary not found at /nonexistent/etcd nor on the PATH:"
                    + " install etcd (Debian/Ubuntu: apt-get install etcd-server etcd-client;"), e.getMessage());
            assertTrue(e.getMessage().contains("set -Detcd.binary=/path/to/etcd"), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty("etcd.test.binary");
            } else {
                System.setProperty("etcd.test.binary", before);
            }
        }
    }

    private static void report(String what, long startNanos) {
        System.out.printf("[EtcdClusterTest] %s in %d ms%n", what, (System.nanoTime() - startNanos) / 1_000_000);
    }
}
