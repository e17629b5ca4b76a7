package io.etcdmp.cli.console;

import io.etcdmp.cli.console.ConsoleWriteTest.Browser;
import io.etcdmp.internal.cli.ToolConnection;
import io.etcdmp.testing.EtcdCluster;
import io.etcdmp.testing.Etcdctl;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(180)
class ReviewRevealTest {
    static EtcdCluster etcd;
    static Etcdctl root;
    static ToolConnection connection;
    static Console console;
    static Console shortLived;

    @BeforeAll
    static void start() throws Exception {
        etcd = EtcdCluster.builder().start();
        root = etcd.ctl().withCommandTimeout(Duration.ofSeconds(20)).enableAuth("root-pw");
        root.addUser("alice", "alice-pw");
        root.addRole("operator");
        root.grantPermission("operator", "readwrite", "/config/", true);
        root.grantRole("alice", "operator");
        root.put("/config/orders/db.password", "old");
        root.put("/config/orders/db.password", "NOW-SECRET");
        root.put("/config/orders/app.properties", "pool.size=5\ndb.credentials=DOC-SECRET\napi.token=TOKEN-SECRET\n");
        root.put("/config/orders/db/secret", "NESTED-SECRET");
        root.put("/config/orders/bad.json", "{\"db.password\": \"BAD-DOC-SECRET\"");
        Map<String, String> settings = Map.of(ToolConnection.ENDPOINTS, etcd.endpoints(), ToolConnection.REQUEST_TIMEOUT, "20s");
        Map<String, String> asRoot = new HashMap<>(settings);
        asRoot.put(ToolConnection.USER, "root");
        asRoot.put(ToolConnection.PASSWORD, "root-pw");
        connection = ToolConnection.open(asRoot);
        console = Console.start(ConsoleWriteTest.options(settings, Duration.ofMinutes(5)), connection);
        shortLived = Console.start(ConsoleWriteTest.options(settings, Duration.ofSeconds(1)), connection);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {shortLived, console, connection, etcd}) {
            if (c != null) {
                c.close();
            }
        }
    }

    static List<String> capture(List<LogRecord> logged) {
        return logged.stream().map(r -> String.valueOf(r.getMessage())).toList();
    }

    @Test
    void wholeDocumentWithoutPropertyRevealsAllSecrets() throws Exception {
        Browser alice = new Browser(console).login("alice", "alice-pw");
        HttpResponse<String> r = alice.post("/reveal", "csrf", alice.csrf, "key", "/config/orders/app.properties");
        assertThat(r.body()).doesNotContain("TOKEN-SECRET");
    }

    @Test
    void refusedRevealsAreAudited() throws Exception {
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Handler h = new Handler() {
            public void publish(LogRecord r) { logged.add(r); }
            public void flush() { }
            public void close() { }
        };
        Logger l = Logger.getLogger("io.etcdmp.cli.console");
        l.setLevel(java.util.logging.Level.ALL);
        l.addHandler(h);
        HttpResponse<String> noToken;
        HttpResponse<String> badRev;
        try {
            Browser alice = new Browser(console).login("alice", "alice-pw");
            noToken = alice.post("/reveal", "key", "/config/orders/db.password");
            badRev = alice.post("/reveal", "csrf", alice.csrf, "key", "/config/orders/db.password", "revision", "x1");
        } finally {
            l.removeHandler(h);
        }
        assertThat(capture(logged)).anySatisfy(m -> assertThat(m).contains("reveal", "refused"));
    }

    @Test
    void negativeRevisionReadsTheCurrentValue() throws Exception {
        Browser alice = new Browser(console).login("alice", "alice-pw");
        HttpResponse<String> r = alice.post("/reveal", "csrf", alice.csrf, "key", "/config/orders/db.password", "revision", "-3");
        assertThat(r.statusCode()).isEqualTo(400);
    }

    @Test
    void unparsableDocumentHasNoRevealButton() throws Exception {
        Browser alice = new Browser(console).login("alice", "alice-pw");
        String page = alice.get("/?prefix=/config/orders/").body();
        int i = page.indexOf("bad.json");
        String row = page.substring(i, page.indexOf("</tr>", i));
        assertThat(row).contains("/reveal");
    }

    @Test
    void expiredLoggedOutAndForeignOriginAreRefused() throws Exception {
        Browser alice = new Browser(shortLived).login("alice", "alice-pw");
        String csrf = alice.csrf;
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> shortLived.sessions().size() == 0);
        HttpResponse<String> expired = alice.post("/reveal", "csrf", csrf, "key", "/config/orders/db.password");
        Browser bob = new Browser(console).login("alice", "alice-pw");
        String t = bob.csrf;
        bob.post("/logout", "csrf", t);
        HttpResponse<String> out = bob.post("/reveal", "csrf", t, "key", "/config/orders/db.password");
        Browser carol = new Browser(console).login("alice", "alice-pw");
        HttpResponse<String> foreign = carol.http.send(HttpRequest.newBuilder(URI.create(console.url() + "reveal"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + carol.csrf + "&key=%2Fconfig%2Forders%2Fdb.password")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> ok = carol.post("/reveal", "csrf", carol.csrf, "key", "/config/orders/db.password");
        assertThat(List.of(expired.body(), out.body(), foreign.body())).noneMatch(b -> b.contains("NOW-SECRET"));
        assertThat(ok.headers().firstValue("Content-Security-Policy").orElse("")).contains("frame-ancestors 'none'");
    }

    @Test
    void effectivePageRevealOfANestedKeyReadsTheRightKey() throws Exception {
        Browser alice = new Browser(console).login("alice", "alice-pw");
        String page = alice.get("/?app=orders").body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"key\" value=\"([^\"]*secret[^\"]*)\"").matcher(page);
        List<String> keys = new java.util.ArrayList<>();
        while (m.find()) {
            keys.add(m.group(1));
        }
        HttpResponse<String> r = alice.post("/reveal", "csrf", alice.csrf, "key", keys.isEmpty() ? "none" : keys.get(0));
        assertThat(r.body()).contains("NESTED-SECRET");
    }
}
