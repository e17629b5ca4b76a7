package io.etcdmp.internal.watch;

import io.etcd.jetcd.ByteSequence;
import io.etcdmp.internal.watch.PrefixMirror;
import io.etcdmp.support.ScriptedConnection;
import io.etcdmp.support.ScriptedWatch;
import io.etcdmp.support.Threads;
import io.etcdmp.testing.SharedEtcd;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * jetcd hands a watch error to the listener while holding its watch client's lock, and takes the same
 * lock in {@code watch} and {@code Watcher.close}. A mirror that called those while holding its own lock,
 * at the moment a stream error arrives (a rolling restart, a shutdown while etcd goes away), deadlocked
 * the client's event loop. Each test makes that interleaving happen every time: the "event loop" holds
 * jetcd's lock until the mirror's caller is blocked on it, then hands the error over.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WatchLockOrderTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/lock-order/");

    @Test
    void closingAMirrorWhileItsWatchReportsAnErrorDoesNotDeadlock() throws Exception {
        raceAStreamError(PrefixMirror::close);
    }

    @Test
    void reWatchingWhileTheOldWatchReportsAnErrorDoesNotDeadlock() throws Exception {
        raceAStreamError(mirror -> mirror.watchFrom(mirror.revision() + 1));
    }

    private static void raceAStreamError(Consumer<PrefixMirror> call) throws Exception {
        ScriptedWatch watch = new ScriptedWatch();
        try (ScriptedConnection scripted = ScriptedConnection.open(etcd.clientUrls(), client -> client.watch(watch))) {
            ByteSequence prefix = ByteSequence.from("/lock-order/", StandardCharsets.UTF_8);
            PrefixMirror mirror = new PrefixMirror(scripted.connection, prefix, (changes, revision) -> { });
            mirror.watchFrom(mirror.load(0) + 1);
            ScriptedWatch.ScriptedWatcher watcher = watch.openOn(prefix);
            assertThat(watcher).as("the mirror's watch").isNotNull();

            Threads.Helper caller = Threads.daemon("test-mirror-caller", () -> call.accept(mirror));
            AtomicBoolean callerBlocked = new AtomicBoolean();
            Threads.Helper eventLoop = Threads.daemon("test-jetcd-event-loop", () -> watcher.fail(
                    Status.UNAVAILABLE.withDescription("connection reset").asRuntimeException(), true, () -> {
                        caller.start();
                        callerBlocked.set(Threads.awaitBlocked(caller, Duration.ofSeconds(5)));
                    }));
            eventLoop.start();
            eventLoop.join(Duration.ofSeconds(10));
            caller.join(Duration.ofSeconds(10));
            // the precondition, checked here: on the event loop's thread a failure would only be printed
            assertThat(callerBlocked).as("the caller waited for jetcd's lock while the error was handed over").isTrue();
            assertThat(Threads.deadlocks()).as("deadlocked threads").isEmpty();
            assertThat(eventLoop.isAlive()).as("the event loop is stuck").isFalse();
            assertThat(caller.isAlive()).as("the mirror's caller is stuck").isFalse();
        }
    }
}
