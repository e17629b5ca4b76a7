package io.etcdmp.internal.config;

import io.etcd.jetcd.ByteSequence;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.watch.KeyChange;
import io.etcdmp.internal.watch.PrefixMirror;
import io.etcdmp.support.ScriptedClient;
import io.etcdmp.support.ScriptedKeyspace;
import io.etcdmp.support.ScriptedWatch;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 20, item 14: the batches that {@link PrefixOrdering} releases once it stops waiting for a lagging
 * prefix (documents to parse, a whole re-read to apply) are applied off the connection's timer thread, which
 * also sends the registry's lease keep-alives: a keep-alive never waits behind a slow apply.
 */
@Tag("unit")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OrderingOffTheTimerTest {

    @Test
    void aBatchReleasedAfterWaitingForALaggingPrefixIsAppliedWhileTheTimerStaysFree() throws Exception {
        ScriptedKeyspace keyspace = new ScriptedKeyspace();
        EtcdConnection connection = EtcdConnections.borrow(ScriptedClient.offline(keyspace.kv(), new ScriptedWatch()),
                EtcdSettings.from(name -> Optional.empty()));
        CountDownLatch applying = new CountDownLatch(1);
        CountDownLatch slowApplyMayEnd = new CountDownLatch(1);
        CountDownLatch slowApplyEnded = new CountDownLatch(1);
        AtomicReference<String> applyThread = new AtomicReference<>();
        AtomicReference<Throwable> applyFailure = new AtomicReference<>();
        PrefixMirror[] mirrors = new PrefixMirror[2];
        PrefixOrdering ordering = new PrefixOrdering(2, connection, () -> List.of(mirrors), (batches, revision) -> {
            if (applyThread.compareAndSet(null, Thread.currentThread().getName())) {
                applying.countDown();
                try {
                    slowApplyMayEnd.await(20, TimeUnit.SECONDS); // a large document or a whole re-read being applied
                } catch (Throwable e) {
                    applyFailure.set(e);
                } finally {
                    slowApplyEnded.countDown();
                }
            }
        });
        mirrors[0] = new PrefixMirror(connection, bytes("/a/"), ordering.listener(0));
        mirrors[1] = new PrefixMirror(connection, bytes("/b/"), ordering.listener(1));
        try {
            // prefix 0 changed at revision 5; prefix 1 never says how far it is: the batch waits, then goes without it
            ordering.listener(0).onChanges(List.of(new KeyChange(bytes("/a/x"), bytes("1"), 5, 1)), 5);
            assertThat(applying.await(10, TimeUnit.SECONDS)).as("the held batch released after " + PrefixOrdering.MAX_ORDER_WAIT).isTrue();

            CountDownLatch timerRan = new CountDownLatch(1);
            connection.scheduler().execute(timerRan::countDown); // what a keep-alive round does: a task on the timer
            await("a timer task (a keep-alive) while the batch is applied on " + applyThread.get())
                    .atMost(Duration.ofSeconds(5)).until(() -> timerRan.getCount() == 0);
        } finally {
            slowApplyMayEnd.countDown();
            // closing the connection interrupts its workers: the apply must be over first (else its await, entered
            // late on a loaded machine, sees the interrupt before it sees the latch open)
            assertThat(slowApplyEnded.await(10, TimeUnit.SECONDS)).as("the slow apply ended").isTrue();
            mirrors[0].close();
            mirrors[1].close();
            connection.close();
        }
        assertThat(applyFailure.get()).isNull();
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
