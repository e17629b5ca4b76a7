package io.etcdmp.cli.console;

import io.etcdmp.cli.console.ConsoleWriteTest.Browser;
import io.etcdmp.cli.core.ChangeRecords;
import io.etcdmp.internal.cli.SecretNames;
import io.etcdmp.internal.cli.ToolConnection;
import io.etcdmp.testing.EtcdCluster;
import io.etcdmp.testing.Etcdctl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Revealing a masked value ({@code POST /reveal}) over HTTP against an etcd with authentication: read as the
 * logged-in etcd user (etcd's refusal shown), CSRF, the roots, read-only refusal, no-store, the audit line, escaping,
 * one property of a document, an encrypted value as its ciphertext, a past revision; the pages never carry the value.
 */
@Timeout(180)
class ConsoleRevealTest {
    static final String SECRET = "s3cret-value";
    static final String DOC_SECRET = "doc-secret-42";
    static final String XSS = "<script>alert('t0ken')</script>";
    static final String CIPHER = "${aes-gcm-nopadding::c2VjcmV0LWNpcGhlcnRleHQtZm9yLXRlc3Rz}";
    static EtcdCluster etcd;
    static Etcdctl root;
    static ToolConnection connection;
    static Console console;
    static Console readOnly;

    @BeforeAll
    static void start() throws Exception {
        etcd = EtcdCluster.builder().start();
        root = etcd.ctl().withCommandTimeout(Duration.ofSeconds(20)).enableAuth("root-pw");
        root.addUser("alice", "alice-pw");
        root.addRole("operator");
        root.grantPermission("operator", "readwrite", "/config/", true);
        root.grantPermission("operator", "readwrite", "/config-changes/", true);
        root.grantRole("alice", "operator");
        root.addUser("bob", "bob-pw");
        root.addRole("pool-reader");
        root.grantPermission("pool-reader", "read", "/config/orders/pool", false);
        root.grantRole("bob", "pool-reader");
        root.put("/config/orders/pool", "10");
        root.put("/config/orders/db.password", "old-" + SECRET);
        root.put("/config/orders/db.password", SECRET);
        root.put("/config/orders/api.token", XSS);
        root.put("/config/orders/card", CIPHER);
        root.put("/config/orders/app.properties", "pool.size=5\ndb.credentials=" + DOC_SECRET + "\n");
        root.put("/elsewhere/x.password", "outside-value");
        Map<String, String> settings = Map.of(ToolConnection.ENDPOINTS, etcd.endpoints(), ToolConnection.REQUEST_TIMEOUT, "20s");
        Map<String, String> asRoot = new HashMap<>(settings);
        asRoot.put(ToolConnection.USER, "root");
        asRoot.put(ToolConnection.PASSWORD, "root-pw");
        connection = ToolConnection.open(asRoot);
        console = Console.start(ConsoleWriteTest.options(settings, Duration.ofMinutes(5)), connection);
        readOnly = Console.start(new Console.Options("127.0.0.1", 0, false, "/config/", "/services/",
                ChangeRecords.DEFAULT_PREFIX, Duration.ofMinutes(5), SecretNames.defaults(), asRoot), connection);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {readOnly, console, connection, etcd}) {
            if (c != null) {
                c.close();
            }
        }
    }

    static List<String> revealForms(String page) {
        Matcher m = Pattern.compile("<form method=\"post\" action=\"/reveal\"[^>]*>(.*?)</form>").matcher(page);
        List<String> forms = new java.util.ArrayList<>();
        while (m.find()) {
            forms.add(m.group(1));
        }
        return forms;
    }

    @Test
    void theNormalPagesNeverContainAMaskedValueButOfferRevealForms() throws Exception {
        Browser alice = new Browser(console).login("alice", "alice-pw");
        for (String path : List.of("/?prefix=/config/orders/", "/?app=orders", "/?q=pass", "/?q=s3cret",
                "/history?prefix=/config/orders/&name=db.password", "/history?prefix=/config/orders/&name=app.properties",
                "/history?prefix=/config/orders/&name=db.password&a=1&b=2", "/edit?prefix=/config/orders/&name=db.password")) {
            String page = alice.get(path).body();
            assertThat(page).as(path).doesNotContain(SECRET, DOC_SECRET, "t0ken", "c2VjcmV0LWNpcGhlcnRleHQ");
        }
        String prefix = alice.get("/?prefix=/config/orders/").body();
        assertThat(revealForms(prefix)).anySatisfy(f -> assertThat(f).contains("value=\"/config/orders/db.password\""))
                .anySatisfy(f -> assertThat(f).contains("value=\"/config/orders/card\""))
                .anySatisfy(f -> assertThat(f).contains("value=\"/config/orders/app.properties\"")
                        .contains("name=\"property\" value=\"db.credentials\""))
                .noneSatisfy(f -> assertThat(f).contains("value=\"/config/orders/pool\""));
        assertThat(revealForms(alice.get("/?app=orders").body()))
                .anySatisfy(f -> assertThat(f).contains("value=\"/config/orders/db.password\""));
        assertThat(revealForms(alice.get("/history?prefix=/config/orders/&name=db.password").body())).hasSize(2)
                .allSatisfy(f -> assertThat(f).contains("name=\"revision\""));
    }

    @Test
    void aUserAllowedToReadItSeesTheValueNotCachedAndTheRevealIsAuditedWithoutTheValue() throws Exception {
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
        HttpResponse<String> r;
        try {
            Browser alice = new Browser(console).login("alice", "alice-pw");
            r = alice.post("/reveal", "csrf", alice.csrf, "key", "/config/orders/db.password");
        } finally {
            consoleLogs.removeHandler(capture);
            consoleLogs.setLevel(level);
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(r.body()).contains(SECRET).doesNotContain("old-" + SECRET);
        assertThat(logged).anySatisfy(l -> {
            assertThat(l.getLevel()).isEqualTo(java.util.logging.Level.INFO);
            assertThat(l.getMessage()).contains("alice", "/config/orders/db.password", "revealed");
        });
        assertThat(logged).allSatisfy(l -> assertThat(String.valueOf(l.getMessage())).doesNotContain(SECRET));
    }

    @Test
    void aPastRevisionFromTheHistoryPageIsRevealedAsItWas() throws Exception {
        Browser alice = new Browser(console).login("alice", "alice-pw");
        String history = alice.get("/history?prefix=/config/orders/&name=db.password").body();
        Matcher m = Pattern.compile("<tr><td>(\\d+)</td>").matcher(history);
        List<String> revisions = new java.util.ArrayList<>();
        while (m.find()) {
            revisions.add(m.group(1));
        }
        assertThat(revisions).hasSize(2);
        HttpResponse<String> old = alice.post("/reveal", "csrf", alice.csrf, "key", "/config/orders/db.password",
                "revision", revisions.get(1));
        assertThat(old.statusCode()).as(old.body()).isEqualTo(200);
        assertThat(old.body()).contains("old-" + SECRET, "revision " + revisions.get(1));
    }

    @Test
    void aDocumentPropertyRevealsThatPropertyOnly() throws Exception {
        Browser alice = new Browser(console).login("alice", "alice-pw");
        HttpResponse<String> r = alice.post("/reveal", "csrf", alice.csrf, "key", "/config/orders/app.properties",
                "property", "db.credentials");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains(DOC_SECRET).doesNotContain("pool.size");
        HttpResponse<String> none = alice.post("/reveal", "csrf", alice.csrf, "key", "/config/orders/app.properties",
                "property", "nope");
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(none.body()).contains("no property nope");
    }

    @Test
    void anEncryptedValueIsRevealedAsItsStoredCiphertextAndAnXssValueAsText() throws Exception {
        Browser alice = new Browser(console).login("alice", "alice-pw");
        HttpResponse<String> card = alice.post("/reveal", "csrf", alice.csrf, "key", "/config/orders/card");
        assertThat(card.statusCode()).as(card.body()).isEqualTo(200);
        assertThat(card.body()).contains(CIPHER);
        HttpResponse<String> xss = alice.post("/reveal", "csrf", alice.csrf, "key", "/config/orders/api.token");
        assertThat(xss.statusCode()).as(xss.body()).isEqualTo(200);
        assertThat(xss.body()).contains("&lt;script&gt;alert(&#39;t0ken&#39;)&lt;/script&gt;").doesNotContain("<script>alert");
    }

    @Test
    void aUserEtcdRefusesGetsEtcdsRefusalAndNoValue() throws Exception {
        Browser bob = new Browser(console).login("bob", "bob-pw");
        assertThat(bob.csrf).isNotEmpty();
        HttpResponse<String> r = bob.post("/reveal", "csrf", bob.csrf, "key", "/config/orders/db.password");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(r.body()).containsIgnoringCase("permission denied").contains("/config/orders/db.password")
                .doesNotContain(SECRET);
    }

    @Test
    void withoutTheCsrfTokenOrOutsideTheRootsItIsRefused() throws Exception {
        Browser alice = new Browser(console).login("alice", "alice-pw");
        HttpResponse<String> noToken = alice.post("/reveal", "key", "/config/orders/db.password");
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(noToken.body()).contains("CSRF").doesNotContain(SECRET);
        HttpResponse<String> wrong = alice.post("/reveal", "csrf", "f00d", "key", "/config/orders/db.password");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.body()).doesNotContain(SECRET);
        HttpResponse<String> outside = alice.post("/reveal", "csrf", alice.csrf, "key", "/elsewhere/x.password");
        assertThat(outside.statusCode()).as(outside.body()).isEqualTo(400);
        assertThat(outside.body()).contains("outside").doesNotContain("outside-value");
        HttpResponse<String> get = alice.get("/reveal?key=/config/orders/db.password");
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.body()).doesNotContain(SECRET);
    }

    @Test
    void aReadOnlyConsoleOffersNoRevealAndRefusesIt() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String page = http.send(HttpRequest.newBuilder(URI.create(readOnly.url() + "?prefix=/config/orders/")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(page).contains("db.password").doesNotContain("/reveal", SECRET);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(readOnly.url() + "reveal"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("key=%2Fconfig%2Forders%2Fdb.password")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("read-only", "reveal").doesNotContain(SECRET);
    }
}
