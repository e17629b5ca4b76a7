package io.etcdmp.it.support;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The {@link RuntimeContract} of an application server, where one server outlives many deployments:
 * undeploy and redeploy twice; each undeploy removes the registration, ends every library thread and
 * lets the WAR's class loader be collected (the log check then also proves that no thread failed on the
 * removed WAR's classes); each redeploy serves the etcd value and registers again, only once it serves.
 */
public abstract class AppServerContract extends RuntimeContract {
    private static final int CYCLES = 2;

    /** Removes the application; returns once the server has been asked to (it may finish asynchronously). */
    protected abstract void undeploy() throws Exception;

    /** Deploys the application again; returns once the server has been asked to. */
    protected abstract void deploy() throws Exception;

    @Test
    @Order(20)
    void undeployDeregistersEndsTheLibraryThreadsAndFreesTheClassLoaderAndRedeployServesAgain() throws Exception {
        JvmProbe jvm = new JvmProbe(serverJvm().pid());
        assertFalse(jvm.libraryThreads().isEmpty(), "while deployed, the library's threads are seen: " + jvm.threadNames());
        assertEquals(1, jvm.loadedCopies("io.etcdmp.cdi.EtcdExtension"));
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            long start = System.nanoTime();
            undeploy();
            Awaitility.await("undeploy deregisters").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> records().isEmpty());
            timings.put("undeploy " + cycle + " to record gone", seconds(System.nanoTime() - start));
            Awaitility.await("no library thread after undeploy").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(200)).until(jvm::libraryThreads, List::isEmpty);
            Awaitility.await("the undeployed application's class loader collected (its copy of the library unloaded)")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                        jvm.fullGc();
                        return jvm.loadedCopies("io.etcdmp.cdi.EtcdExtension");
                    }, copies -> copies == 0);
            start = System.nanoTime();
            deploy();
            awaitAnswer(url("greeting"), Duration.ofSeconds(60));
            timings.put("redeploy " + cycle + " to first answer", seconds(System.nanoTime() - start));
            assertRecordAppearedWhileServing(1 + cycle);
            assertEquals(etcd.ctl().get(GREETING_KEY).orElseThrow(), Http.get(url("greeting")).body());
            assertEquals("127.0.0.1:" + port, onlyRecord().getString("Addr"));
        }
    }
}
