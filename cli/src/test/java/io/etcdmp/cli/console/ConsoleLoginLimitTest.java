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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * asking etcd, even for the right password; logins in flight count against the limit; a success resets the user's count (not the address's); names over 256 characters are refused; no password is ever logged. Each test has
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
    void aSuccessfulLoginResetsTheUsersCountNotTheAddresss() throws Exception {
        try (Console c = ownConsole()) {
            Browser b = new Browser(c);
            for (int i = 1; i <= 4; i++) {
                assertThat(b.post("/login", "user", "alice", "password", "wrong").statusCode()).isEqualTo(401);
            }
            HttpResponse<String> ok = b.post("/login", "user", "alice", "password", "alice-pw");
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(303);
            assertThat(c.loginLimits().blockedFor("10.9.9.9", "alice")).isZero();
            assertThat(new Browser(c).post("/login", "user", "bob", "password", "wrong").statusCode())
                    .as("the address's 5th failure within the minute").isEqualTo(401);
            assertThat(new Browser(c).post("/login", "user", "alice", "password", "alice-pw").statusCode())
                    .as("the address is blocked: alice's success did not reset it").isEqualTo(429);
            assertThat(root.get("/config/orders/pool")).isPresent();
        }
    }

    /** Review of console3: 12 users sprayed from one address, logging in as its own account every 4th, were all asked of etcd. */
    @Test
    void anOwnAccountsLoginDoesNotResetTheAddressSoOneAddressCannotSprayManyUsers() throws Exception {
        try (Console c = ownConsole()) {
            List<Integer> codes = new java.util.ArrayList<>();
            for (int i = 0; i < 12; i++) {
                codes.add(new Browser(c).post("/login", "user", "victim-" + i, "password", "Summer2026!").statusCode());
                if (i % 4 == 3) {
                    codes.add(new Browser(c).post("/login", "user", "bob", "password", "bob-pw").statusCode());
                }
            }
            assertThat(codes.subList(0, 5)).as(codes.toString()).containsExactly(401, 401, 401, 401, 303);
            assertThat(codes.get(5)).as("the 5th failure from the address: " + codes).isEqualTo(401);
            assertThat(codes.subList(6, codes.size())).as("blocked: " + codes).containsOnly(429);
        }
    }

    /** Review of console3: 19 concurrent wrong passwords and the right one were all asked of etcd (and the burst blocked alice for 15 minutes). */
    @Test
    void concurrentLoginsReachEtcdAtMostTheLimitAndBlockOnce() throws Exception {
        try (Console c = ownConsole()) {
            int n = 20;
            ExecutorService pool = Executors.newFixedThreadPool(n);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Integer>> all = new java.util.ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int k = i;
                    all.add(pool.submit(() -> {
                        Browser b = new Browser(c);
                        go.await();
                        return b.post("/login", "user", "alice", "password", k == n - 1 ? "alice-pw" : "guess-" + k).statusCode();
                    }));
                }
                go.countDown();
                List<Integer> codes = new java.util.ArrayList<>();
                for (Future<Integer> f : all) {
                    codes.add(f.get());
                }
                assertThat(codes.stream().filter(s -> s == 401).count()).as("wrong passwords etcd was asked about: " + codes)
                        .isLessThanOrEqualTo(LoginLimits.FAILURES);
                assertThat(codes).as(codes.toString()).isSubsetOf(401, 429, 303);
                assertThat(c.loginLimits().blockedFor("10.9.9.9", "alice")).as("one block at most, never more than the first")
                        .isLessThanOrEqualTo(LoginLimits.FIRST_BLOCK_NANOS);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void loginsInFlightCountAgainstTheLimitAndLateFailuresDoNotExtendABlock() {
        long[] now = {0};
        LoginLimits limits = new LoginLimits(() -> now[0]);
        for (int i = 1; i <= LoginLimits.FAILURES; i++) {
            assertThat(limits.begin("10.0.0." + i, "alice")).as("attempt " + i).isZero();
        }
        assertThat(limits.begin("10.0.0.9", "alice")).as("a 6th while 5 are in flight").isEqualTo(LoginLimits.BUSY_NANOS);
        assertThat(limits.begin("10.0.0.1", "bob")).as("another user: the address has room").isZero();
        limits.abandoned("10.0.0.1", "bob");
        for (int i = 1; i < LoginLimits.FAILURES; i++) {
            assertThat(limits.failed("10.0.0." + i, "alice")).isZero();
        }
        assertThat(limits.begin("10.0.0.9", "alice")).as("4 failures and one in flight").isEqualTo(LoginLimits.BUSY_NANOS);
        assertThat(limits.failed("10.0.0.5", "alice")).isEqualTo(LoginLimits.FIRST_BLOCK_NANOS);
        now[0] += 1000;
        assertThat(limits.failed("10.0.0.6", "alice")).as("a late failure while the block runs").isZero();
        assertThat(limits.blockedFor("10.0.0.9", "alice")).isEqualTo(LoginLimits.FIRST_BLOCK_NANOS - 1000);
        now[0] += LoginLimits.FIRST_BLOCK_NANOS;
        for (int i = 1; i < LoginLimits.FAILURES; i++) {
            assertThat(limits.begin("10.0.1." + i, "alice")).isZero();
            assertThat(limits.failed("10.0.1." + i, "alice")).isZero();
        }
        assertThat(limits.begin("10.0.1.5", "alice")).isZero();
        assertThat(limits.failed("10.0.1.5", "alice")).as("the second block: the late failure added none")
                .isEqualTo(2 * LoginLimits.FIRST_BLOCK_NANOS);
    }

    /** Review of console3: a 150,000-character user name was asked of etcd and kept as a limiter key (401, 2 entries). */
    @Test
    void aUserNameOver256CharactersIsRefusedWith400BeforeTheLimiter() throws Exception {
        try (Console c = ownConsole()) {
            String user = "u".repeat(150_000);
            HttpResponse<String> r = new Browser(c).post("/login", "user", user, "password", "x");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).contains("150000 characters, over the console&#39;s 256").doesNotContain("uuuuuuuuuu");
            assertThat(c.loginLimits().size()).isZero();
            HttpResponse<String> ok = new Browser(c).post("/login", "user", "v".repeat(256), "password", "x");
            assertThat(ok.statusCode()).as("256 characters are asked of etcd").isEqualTo(401);
            assertThat(ok.body()).as("the page shows the name shortened").contains("v".repeat(64) + "…(256 characters)")
                    .doesNotContain("v".repeat(65));
        }
    }

    /** Review of console3: U+2028 and U+0085 in a blocked user name reached the log line as they were. */
    @Test
    void aBlockedUserNamesLineBreaksAreReplacedInTheLog() throws Exception {
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
        consoleLogs.addHandler(capture);
        try (Console c = ownConsole()) {
            String user = "eve\u2028Dec 06 INFO Console login of etcd user root succeeded\u0085x\u2029\n";
            for (int i = 0; i < LoginLimits.FAILURES; i++) {
                new Browser(c).post("/login", "user", user, "password", "x");
            }
        } finally {
            consoleLogs.removeHandler(capture);
        }
        List<String> messages = logged.stream().map(LogRecord::getMessage).filter(m -> m.contains("blocked")).toList();
        assertThat(messages).isNotEmpty().allSatisfy(m -> assertThat(m).contains("eve?Dec 06").doesNotContain("\u2028")
                .doesNotContain("\u0085").doesNotContain("\u2029").doesNotContain("\n"));
    }

    /** Review of console3: a flood of names that block themselves evicted alice's block once the map was full. */
    @Test
    void aMapFullOfBlockedNamesRecordsNoNewNameAndRefusesItsLogin() {
        long[] now = {0};
        LoginLimits limits = new LoginLimits(() -> now[0]);
        for (int i = 0; i < LoginLimits.FAILURES; i++) {
            limits.failed("198.51.100.1", "alice");
        }
        assertThat(limits.blockedFor("203.0.113.9", "alice")).isPositive();
        limits.blockedFor("198.51.100.1", "nobody"); // the attacker's own 429 refreshes its address: alice is the eldest
        for (int a = 0; a < LoginLimits.MAX_ENTRIES / 2 + 1; a++) { // each address blocks itself and one fake user
            now[0] += 10;
            for (int i = 0; i < LoginLimits.FAILURES; i++) {
                limits.failed("2001:db8::" + Integer.toHexString(a), "fake-" + a);
            }
        }
        assertThat(limits.blockedFor("203.0.113.9", "alice")).as("alice's block after a flood of blocked names").isPositive();
        assertThat(limits.size()).isEqualTo(LoginLimits.MAX_ENTRIES);
        assertThat(limits.begin("192.0.2.77", "carol")).as("no room for a new name: refused").isPositive();
        assertThat(limits.size()).isEqualTo(LoginLimits.MAX_ENTRIES);
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
