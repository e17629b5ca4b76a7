package io.etcdmp.cli.console;

import io.etcdmp.cli.console.ConsoleWriteTest.Browser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static io.etcdmp.cli.console.ConsoleWriteTest.console;
import static io.etcdmp.cli.console.ConsoleWriteTest.shortSessions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Sessions end (their etcd client closed, their password dropped) when unused, without anyone logging in. */
@Timeout(180)
class ConsoleSessionsTest {
    @BeforeAll
    static void start() throws Exception {
        ConsoleWriteTest.start();
    }

    @AfterAll
    static void stop() {
        ConsoleWriteTest.stop();
    }

    @Test
    void anUnusedSessionIsClosedByTheTimerWithoutAnotherLogin() throws Exception {
        new Browser(shortSessions).login("alice", "alice-pw");
        assertThat(shortSessions.sessions().size()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(15)).until(() -> shortSessions.sessions().size() == 0);
    }

    @Test
    void loggingInAgainEndsThePreviousSession() throws Exception {
        int before = console.sessions().size();
        Browser b = new Browser(console).login("alice", "alice-pw");
        b.login("alice", "alice-pw");
        b.login("bob", "bob-pw");
        assertThat(console.sessions().size()).isEqualTo(before + 1);
        b.post("/logout", "csrf", b.csrf);
        assertThat(console.sessions().size()).isEqualTo(before);
    }

    @Test
    void aSessionWhoseClientCloseBlocksDoesNotHoldUpTheSweepOfTheOthers() throws Exception {
        java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger othersClosed = new java.util.concurrent.atomic.AtomicInteger();
        Sessions sessions = new Sessions(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(300));
        try {
            sessions.open("stuck", null, () -> { // an etcd client whose close hangs (a server that does not answer)
                closing.countDown();
                release.await();
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> closing.getCount() == 0); // the sweep is in that close now
            for (int round = 1; round <= 3; round++) {
                sessions.open("next-" + round, null, othersClosed::incrementAndGet);
                int expected = round;
                await().atMost(Duration.ofSeconds(10)).until(() -> othersClosed.get() == expected); // timeout 0.3 s, sweep 0.25 s
            }
            assertThat(sessions.size()).isZero();
            assertThat(release.getCount()).as("the stuck close is still stuck").isEqualTo(1);
        } finally {
            release.countDown();
            sessions.close();
        }
    }
    /** Review of console3: Console.close() ran the remaining closes inline and hung on one that never returns. */
    @Test
    void aSessionCloseThatNeverReturnsDoesNotHoldUpTheConsolesStop() throws Exception {
        Console c = ConsoleLoginLimitTest.ownConsole();
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        c.sessions().open("alice", ConsoleWriteTest.connection, never::await);
        java.util.concurrent.CompletableFuture<Void> closed = java.util.concurrent.CompletableFuture.runAsync(c::close);
        try {
            await().atMost(Duration.ofSeconds(30)).until(closed::isDone);
            closed.get(); // a failure of close() fails the test
        } finally {
            never.countDown();
        }
    }

    /** Review of console3: a close handed to the closer's pool that never returned left its thread behind after stop. */
    @Test
    void aBlockedCloseLeavesNoCloserThreadAfterStop() throws Exception {
        Console c = ConsoleLoginLimitTest.ownConsole();
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        Sessions.Session s = c.sessions().open("alice", ConsoleWriteTest.connection, never::await);
        c.sessions().end(s);
        c.close();
        try {
            assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("etcdmp-console-session-close")))
                    .as("closer threads after stop").isEmpty();
        } finally {
            never.countDown();
        }
    }

    @Test
    void aLoginWhileTheConsoleStopsIsRefusedAndItsClientLeftToTheCaller() throws Exception {
        Sessions sessions = new Sessions(Duration.ofMinutes(5).toNanos());
        sessions.close();
        java.util.concurrent.atomic.AtomicInteger closes = new java.util.concurrent.atomic.AtomicInteger();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sessions.open("alice", ConsoleWriteTest.connection,
                closes::incrementAndGet)).isInstanceOf(IllegalStateException.class).hasMessageContaining("stopping");
        assertThat(sessions.size()).isZero();
        assertThat(closes).as("not closed by the sessions: the login closes its connection").hasValue(0);
    }
}
