package io.etcdmp.cli.console;

import io.etcdmp.cli.console.ConsoleWriteTest.Browser;
import io.etcdmp.internal.cli.SecretNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(300)
class ReviewConsole3Test {
    @BeforeAll
    static void start() throws Exception {
        ConsoleWriteTest.start();
    }

    @AfterAll
    static void stop() {
        ConsoleWriteTest.stop();
    }

    @Test
    void concurrentAttemptsAreAllAskedOfEtcdBeyondTheLimit() throws Exception {
        try (Console c = ConsoleLoginLimitTest.ownConsole()) {
            int n = 20;
            ExecutorService pool = Executors.newFixedThreadPool(n);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                all.add(pool.submit(() -> {
                    Browser b = new Browser(c);
                    go.await();
                    return b.post("/login", "user", "alice", "password", k == n - 1 ? "alice-pw" : "guess-" + k).statusCode();
                }));
            }
            go.countDown();
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> f : all) {
                codes.add(f.get());
            }
            pool.shutdown();
            System.out.println("REVIEW concurrent codes " + codes + " blockedFor alice=" + c.loginLimits().blockedFor("x", "alice"));
            assertThat(codes.stream().filter(s -> s == 401).count()).as("wrong passwords etcd was asked about: " + codes)
                    .isLessThanOrEqualTo(LoginLimits.FAILURES);
        }
    }

    @Test
    void anOwnAccountResetsTheAddressLimitSoOneAddressCanSprayManyUsers() throws Exception {
        try (Console c = ConsoleLoginLimitTest.ownConsole()) {
            List<Integer> codes = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                codes.add(new Browser(c).post("/login", "user", "victim-" + i, "password", "Summer2026!").statusCode());
                if (i % 4 == 3) {
                    new Browser(c).login("bob", "bob-pw"); // the attacker's own low-privileged account
                }
            }
            System.out.println("REVIEW spray codes " + codes);
            assertThat(codes).as("12 failures from one address within a minute: " + codes).contains(429);
        }
    }

    @Test
    void aFullMapOfBlockedEntriesEvictsTheVictimsBlock() {
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
    }

    @Test
    void aLongUserNameIsRememberedWhole() throws Exception {
        try (Console c = ConsoleLoginLimitTest.ownConsole()) {
            String user = "u".repeat(150_000);
            HttpResponse<String> r = new Browser(c).post("/login", "user", user, "password", "x");
            System.out.println("REVIEW long user status " + r.statusCode() + " size=" + c.loginLimits().size()
                    + " bodyLen=" + r.body().length());
            assertThat(c.loginLimits().size()).as("a 150 KB name kept as a limiter key (" + r.statusCode() + ")").isLessThan(2);
        }
    }

    @Test
    void aBlockedUserNameWithUnicodeLineBreaksReachesTheLogUnreplaced() throws Exception {
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
        try (Console c = ConsoleLoginLimitTest.ownConsole()) {
            String user = "eve\u2028Dec 06 INFO Console login of etcd user root succeeded\u0085x";
            for (int i = 0; i < LoginLimits.FAILURES; i++) {
                new Browser(c).post("/login", "user", user, "password", "x");
            }
        } finally {
            consoleLogs.removeHandler(capture);
        }
        List<String> messages = logged.stream().map(LogRecord::getMessage).filter(m -> m.contains("blocked")).toList();
        System.out.println("REVIEW log " + messages.stream().map(m -> m.replace("\u2028", "<U+2028>").replace("\u0085", "<U+0085>")).toList());
        assertThat(messages).isNotEmpty().allSatisfy(m -> assertThat(m).doesNotContain("\u2028").doesNotContain("\u0085"));
    }

    @Test
    void theFolderListHasNoEntryCountLimit() throws Exception {
        Browser b = new Browser(ConsoleWriteTest.console).login("alice", "alice-pw");
        b.get("/upload");
        StringBuilder json = new StringBuilder("{\"files\":[{\"path\":\"config/many/_keys.properties\",\"content\":\"a=1\\n\"}");
        for (int i = 0; i <= 3 * Uploads.MAX_ENTRIES; i++) {
            json.append(",").append("{\"path\":\"config/many/.n").append(i).append("\",\"data\":\"\"}");
        }
        json.append("]}");
        HttpResponse<String> r = ConsoleWriteTest.upload(b, json.toString());
        String body = r.body().replaceAll("(?s).*<main>|</main>.*", "");
        System.out.println("REVIEW upload 10001 entries: " + r.statusCode() + " " + body.substring(0, Math.min(400, body.length())));
        assertThat(r.body()).as(r.statusCode() + "").contains("more than " + Uploads.MAX_ENTRIES);
    }

    @Test
    void aSessionCloseThatNeverReturnsHoldsUpConsoleClose() throws Exception {
        Console c = ConsoleLoginLimitTest.ownConsole();
        CountDownLatch never = new CountDownLatch(1);
        c.sessions().open("alice", ConsoleWriteTest.connection, never::await);
        java.util.concurrent.CompletableFuture<Void> closed = java.util.concurrent.CompletableFuture.runAsync(c::close);
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).until(closed::isDone);
        } finally {
            never.countDown();
        }
    }

    @Test
    void aWatchFailureBeforeAnyEventRewatchesFromNow() throws Exception {
        try (io.etcdmp.testing.EtcdCluster etcd = io.etcdmp.testing.EtcdCluster.builder().start()) {
            java.util.Map<String, String> settings = java.util.Map.of(io.etcdmp.internal.cli.ToolConnection.ENDPOINTS, etcd.endpoints(),
                    io.etcdmp.internal.cli.ToolConnection.REQUEST_TIMEOUT, "5s");
            try (io.etcdmp.internal.cli.ToolConnection c = io.etcdmp.internal.cli.ToolConnection.open(settings);
                 Live live = new Live(c, LiveWatchTest.ROOTS)) {
                live.start();
                etcd.stop(0);
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> live.failures() > 0);
                etcd.start(0);
                etcd.awaitHealthy(java.time.Duration.ofSeconds(30));
                long rev;
                try (io.etcdmp.internal.cli.ToolConnection other = io.etcdmp.internal.cli.ToolConnection.open(settings)) {
                    rev = LiveWatchTest.put(other, "/config/a/x", "1");
                }
                System.out.println("REVIEW live put at " + rev);
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).until(() -> live.seen() >= rev);
            }
        }
    }

    @Test
    void documentParseErrors() {
        for (String[] d : new String[][] {{"app.yaml", "db:\n  password: hunter2-secret\n  url: [unclosed\n"},
                {"app.yaml", "db:\n  password: \"hunter2-secret\n"},
                {"app.json", "{\"db\": {\"password\": \"hunter2-secret\", }"},
                {"app.properties", "db.password=hunter2-secret\\u12"}}) {
            io.etcdmp.internal.cli.PropertyRules.Parsed p = io.etcdmp.internal.cli.PropertyRules.parseDocument(d[0],
                    d[1].getBytes(java.nio.charset.StandardCharsets.UTF_8));
            System.out.println("REVIEW parse " + d[0] + " ok=" + p.ok() + " -> " + p);
        }
    }

    @Test
    void malformedFolderLists() throws Exception {
        Browser b = new Browser(ConsoleWriteTest.console).login("alice", "alice-pw");
        b.get("/upload");
        for (String json : List.of("{}", "{\"files\":[{\"data\":\"\"}]}", "{\"files\":[1]}", "{\"files\":[{\"path\":\"config/x/_keys.properties\",\"data\":\"YQ=\"}]}",
                "{\"files\":[{\"path\":\"config/x/\\u0000.properties\",\"data\":\"\"}]}",
                "{\"files\":[{\"path\":\"config/x/\\ud800.properties\",\"data\":\"\"}]}")) {
            HttpResponse<String> r = ConsoleWriteTest.upload(b, json);
            String body = r.body().replaceAll("(?s).*<main>|</main>.*", "");
            System.out.println("REVIEW malformed " + json + " -> " + r.statusCode() + " " + body.substring(0, Math.min(300, body.length())));
        }
    }

    @Test
    void aBlockedCloseLeavesAThreadAfterStop() throws Exception {
        Console c = ConsoleLoginLimitTest.ownConsole();
        CountDownLatch never = new CountDownLatch(1);
        Sessions.Session s = c.sessions().open("alice", ConsoleWriteTest.connection, never::await);
        c.sessions().end(s);
        c.close();
        try {
            long left = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("etcdmp-console-session-close")).count();
            System.out.println("REVIEW closer threads after stop " + left);
            assertThat(left).isZero();
        } finally {
            never.countDown();
        }
    }

    @Test
    void secretNames() {
        SecretNames s = SecretNames.defaults();
        for (String n : List.of("llm.maxTokens", "openai.max-tokens", "cache.max-keys", "sort.keys", "redis.keys.ttl")) {
            System.out.println("REVIEW over-mask " + n + " -> " + s.isSecret(n));
        }
        for (String n : List.of("db.password1", "oldPassword2", "token2", "jwt.secret_v2", "PASSWORDs", "apikey", "passwd")) {
            System.out.println("REVIEW miss " + n + " -> " + s.isSecret(n));
        }
        assertThat(s.isSecret("llm.maxTokens")).as("an ordinary setting").isFalse();
    }
}
