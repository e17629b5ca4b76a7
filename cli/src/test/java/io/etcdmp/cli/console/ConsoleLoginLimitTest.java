package io.etcdmp.cli.console;

import io.etcdmp.cli.console.ConsoleWriteTest.Browser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.etcdmp.cli.console.ConsoleWriteTest.connection;
import static io.etcdmp.cli.console.ConsoleWriteTest.etcd;
import static io.etcdmp.cli.console.ConsoleWriteTest.root;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failed logins are limited per client address and per etcd user (against the etcd with authentication of
 * {@link ConsoleWriteTest}): after 5 failures within a minute the console answers 429 with Retry-After without
 * asking etcd, even for the right password; a success resets the count; no password is ever logged. Each test has
 * a console of its own (every request here comes from 127.0.0.1, so a block would reach the other tests).
 */
@Timeout(180)
class ConsoleLoginLimitTest {
    @BeforeAll
    static void start() throws Exception {
        ConsoleWriteTest.start();
    }

    @AfterAll
    static void stop() {
        ConsoleWriteTest.stop();
    }

    static Console ownConsole() throws Exception {
        return Console.start(ConsoleWriteTest.options(Map.of(io.etcdmp.internal.cli.ToolConnection.ENDPOINTS, etcd.endpoints(),
                io.etcdmp.internal.cli.ToolConnection.REQUEST_TIMEOUT, "20s"), Duration.ofMinutes(5)), connection);
    }

    @Test
    void fiveFailuresWithinAMinuteAnswer429WithRetryAfterEvenForTheRightPasswordAndNeverLogThePassword() throws Exception {
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger consoleLogs = Logger.getLogger("io.etcdmp.cli.console");
        java.util.logging.Level level = consoleLogs.getLevel();
        consoleLogs.setLevel(java.util.logging.Level.ALL);
        consoleLogs.addHandler(capture);
        try (Console c = ownConsole()) {
            Browser b = new Browser(c);
            for (int i = 1; i <= 5; i++) {
                HttpResponse<String> r = b.post("/login", "user", "alice", "password", "guess-" + i);
                assertThat(r.statusCode()).as("failure " + i + ": " + r.body()).isEqualTo(401);
            }
            HttpResponse<String> right = b.post("/login", "user", "alice", "password", "alice-pw");
            assertThat(right.statusCode()).as("the 6th try, with the right password: " + right.body()).isEqualTo(429);
            long retryAfter = Long.parseLong(right.headers().firstValue("Retry-After").orElseThrow());
            assertThat(retryAfter).isBetween(1L, 30L);
            assertThat(right.body()).contains("Too many failed logins");
            assertThat(new Browser(c).post("/login", "user", "bob", "password", "bob-pw").statusCode())
                    .as("another user from the same address").isEqualTo(429);
            assertThat(c.sessions().size()).isZero();
        } finally {
            consoleLogs.removeHandler(capture);
            consoleLogs.setLevel(level);
        }
        assertThat(logged).anySatisfy(r -> assertThat(r.getMessage()).contains("alice").contains("blocked"));
        for (LogRecord r : logged) {
            String all = r.getMessage() + " " + java.util.Arrays.toString(r.getParameters()) + " " + r.getThrown();
            assertThat(all).doesNotContain("guess-").doesNotContain("alice-pw").doesNotContain("bob-pw");
        }
    }

    @Test
    void aSuccessfulLoginResetsTheCount() throws Exception {
        try (Console c = ownConsole()) {
            Browser b = new Browser(c);
            for (int round = 0; round < 2; round++) {
                for (int i = 1; i <= 4; i++) {
                    assertThat(b.post("/login", "user", "alice", "password", "wrong").statusCode()).isEqualTo(401);
                }
                HttpResponse<String> ok = b.post("/login", "user", "alice", "password", "alice-pw");
                assertThat(ok.statusCode()).as("round " + round + ": " + ok.body()).isEqualTo(303);
            }
            assertThat(root.get("/config/orders/pool")).isPresent();
        }
    }

    @Test
    void aUserIsLimitedAcrossAddressesWithABackoffThatGrowsAndStartsOverWhenQuiet() {
        long[] now = {0};
        LoginLimits limits = new LoginLimits(() -> now[0]);
        for (int i = 1; i <= 4; i++) {
            assertThat(limits.failed("10.0.0." + i, "alice")).isZero();
        }
        assertThat(limits.failed("10.0.0.5", "alice")).isEqualTo(LoginLimits.FIRST_BLOCK_NANOS);
        assertThat(limits.blockedFor("10.0.0.99", "alice")).as("alice from any address").isEqualTo(LoginLimits.FIRST_BLOCK_NANOS);
        assertThat(limits.blockedFor("10.0.0.1", "bob")).as("one failure from that address: not blocked").isZero();
        now[0] += LoginLimits.FIRST_BLOCK_NANOS;
        assertThat(limits.blockedFor("10.0.0.99", "alice")).isZero();
        for (int i = 1; i <= 4; i++) {
            assertThat(limits.failed("10.0.1." + i, "alice")).isZero();
        }
        assertThat(limits.failed("10.0.1.5", "alice")).as("the second block doubles").isEqualTo(2 * LoginLimits.FIRST_BLOCK_NANOS);
        for (int round = 0; round < 8; round++) {
            now[0] += LoginLimits.MAX_BLOCK_NANOS;
            for (int i = 1; i < LoginLimits.FAILURES; i++) {
                limits.failed("10.0.2." + i, "alice");
            }
            assertThat(limits.failed("10.0.2.9", "alice")).isLessThanOrEqualTo(LoginLimits.MAX_BLOCK_NANOS);
        }
        now[0] += 2 * LoginLimits.MAX_BLOCK_NANOS + 1; // quiet for longer than the longest block: the backoff starts over
        for (int i = 1; i < LoginLimits.FAILURES; i++) {
            limits.failed("10.0.3." + i, "alice");
        }
        assertThat(limits.failed("10.0.3.9", "alice")).isEqualTo(LoginLimits.FIRST_BLOCK_NANOS);
        now[0] += LoginLimits.FIRST_BLOCK_NANOS;
        limits.succeeded("10.0.3.9", "alice");
        for (int i = 1; i < LoginLimits.FAILURES; i++) {
            assertThat(limits.failed("10.0.4." + i, "alice")).as("a success reset alice's count").isZero();
        }
        now[0] += LoginLimits.WINDOW_NANOS + 1;
        assertThat(limits.failed("10.0.4.9", "alice")).as("failures more than a minute apart do not add up").isZero();
    }

    @Test
    void manyAddressesAndUsersKeepAtMostTheBoundAndAFloodDoesNotLiftABlock() {
        long[] now = {0};
        LoginLimits limits = new LoginLimits(() -> now[0]);
        for (int i = 0; i < LoginLimits.FAILURES; i++) {
            limits.failed("192.0.2.1", "mallory-" + i);
        }
        assertThat(limits.blockedFor("192.0.2.1", "anyone")).isPositive();
        for (int i = 0; i < 3 * LoginLimits.MAX_ENTRIES; i++) {
            now[0] += 100;
            limits.failed("2001:db8::" + Integer.toHexString(i), "user-" + i);
            assertThat(limits.size()).isLessThanOrEqualTo(LoginLimits.MAX_ENTRIES);
        }
        assertThat(limits.blockedFor("192.0.2.1", "anyone")).as("still blocked: the flood pushed out quiet and unblocked ones")
                .isPositive();
    }
}
