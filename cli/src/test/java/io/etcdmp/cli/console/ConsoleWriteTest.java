package io.etcdmp.cli.console;

import io.etcdmp.cli.core.ChangeRecords;
import io.etcdmp.internal.cli.SecretNames;
import io.etcdmp.internal.cli.ToolConnection;
import io.etcdmp.testing.EtcdCluster;
import io.etcdmp.testing.Etcdctl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code etcdmp console --write} over HTTP against an etcd with authentication: the login as an etcd user (etcd's
 * refusal shown), CSRF on every write, edit/add/delete through the apply guard with change records, a conflict
 * naming the key, rollback, upload, plan and apply, registry actions in two record shapes, a user without write
 * permission refused by etcd, the session timeout.
 */
@Timeout(180)
class ConsoleWriteTest {
    static final String ROOT_PASSWORD = "root-pw";
    static EtcdCluster etcd;
    static Etcdctl root;
    static ToolConnection connection;
    static Console console;
    static Console shortSessions;

    @BeforeAll
    static void start() throws Exception {
        etcd = EtcdCluster.builder().start();
        root = etcd.ctl().withCommandTimeout(Duration.ofSeconds(20)).enableAuth(ROOT_PASSWORD); // bcrypt on a loaded machine
        root.addUser("alice", "alice-pw");
        root.addRole("operator");
        root.grantPermission("operator", "readwrite", "/config/", true);
        root.grantPermission("operator", "readwrite", "/config-changes/", true);
        root.grantPermission("operator", "readwrite", "/services/", true);
        root.grantRole("alice", "operator");
        root.addUser("bob", "bob-pw");
        root.addRole("viewer");
        root.grantPermission("viewer", "read", "/config/", true);
        root.grantPermission("viewer", "read", "/config-changes/", true);
        root.grantRole("bob", "viewer");
        root.put("/config/orders/pool", "10");
        Map<String, String> settings = Map.of(ToolConnection.ENDPOINTS, etcd.endpoints(), ToolConnection.REQUEST_TIMEOUT, "20s");
        Map<String, String> asRoot = new java.util.HashMap<>(settings);
        asRoot.put(ToolConnection.USER, "root");
        asRoot.put(ToolConnection.PASSWORD, ROOT_PASSWORD);
        connection = ToolConnection.open(asRoot);
        console = Console.start(options(settings, Duration.ofMinutes(5)), connection);
        shortSessions = Console.start(options(settings, Duration.ofSeconds(1)), connection);
    }

    static Console.Options options(Map<String, String> settings, Duration timeout) {
        return new Console.Options("127.0.0.1", 0, true, "/config/", "/services/", ChangeRecords.DEFAULT_PREFIX, timeout,
                SecretNames.defaults(), settings);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {shortSessions, console, connection, etcd}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A browser: its own cookies, no redirects followed. */
    static final class Browser {
        final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        final Console at;
        String csrf = "";

        Browser(Console at) {
            this.at = at;
        }

        HttpResponse<String> get(String path) throws Exception {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(at.url() + path.substring(1))).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = Pattern.compile("name=\"csrf\" value=\"([0-9a-f]+)\"").matcher(r.body());
            if (m.find()) {
                csrf = m.group(1);
            }
            return r;
        }

        HttpResponse<String> post(String path, String... nameValues) throws Exception {
            Map<String, String> form = new LinkedHashMap<>();
            for (int i = 0; i + 1 < nameValues.length; i += 2) {
                form.put(nameValues[i], nameValues[i + 1]);
            }
            String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
            return http.send(HttpRequest.newBuilder(URI.create(at.url() + path.substring(1)))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }

        Browser login(String user, String password) throws Exception {
            HttpResponse<String> r = post("/login", "user", user, "password", password);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
            get("/?prefix=/config/orders/");
            return this;
        }
    }

    @Test
    void aWrongPasswordGetsEtcdsRefusalAndNoSession() throws Exception {
        Browser b = new Browser(console);
        HttpResponse<String> r = b.post("/login", "user", "alice", "password", "wrong");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("etcd refused the login of alice").contains("authentication failed").doesNotContain("wrong<");
        assertThat(b.post("/edit", "prefix", "/config/orders/", "name", "x", "value", "1", "expect", "0").statusCode()).isEqualTo(303);
        assertThat(root.get("/config/orders/x")).isEmpty();
    }

    @Test
    void editsNeedTheCsrfTokenAndWriteChangeRecordsAsApplyDoes() throws Exception {
        Browser b = new Browser(console).login("alice", "alice-pw");
        long rev = Long.parseLong(root.get("/config/orders/pool").isPresent() ? modRevision(b, "pool") : "0");
        assertThat(b.post("/edit", "prefix", "/config/orders/", "name", "pool", "value", "20", "expect", Long.toString(rev))
                .statusCode()).as("no token").isEqualTo(403);
        assertThat(b.post("/edit", "csrf", "f00d", "prefix", "/config/orders/", "name", "pool", "value", "20", "expect",
                Long.toString(rev)).statusCode()).as("wrong token").isEqualTo(403);
        HttpResponse<String> ok = b.post("/edit", "csrf", b.csrf, "prefix", "/config/orders/", "name", "pool", "value", "20",
                "expect", Long.toString(rev), "message", "bigger pool");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(303);
        assertThat(root.get("/config/orders/pool")).hasValue("20");
        assertThat(b.post("/edit", "csrf", b.csrf, "prefix", "/config/orders/", "name", "added", "value", "new", "expect", "0")
                .statusCode()).isEqualTo(303);
        assertThat(root.get("/config/orders/added")).hasValue("new");
        assertThat(b.post("/delete", "csrf", b.csrf, "prefix", "/config/orders/", "name", "added", "expect", modRevision(b, "added"))
                .statusCode()).isEqualTo(303);
        assertThat(root.get("/config/orders/added")).isEmpty();
        String log = b.get("/changes").body();
        assertThat(log).contains("bigger pool", "etcd user alice", "<td>console</td>", "/config/orders/pool", "delete");
    }

    @Test
    void theSecondOfTwoConcurrentEditsGetsAConflictNamingTheKey() throws Exception {
        root.put("/config/orders/timeout", "1s");
        Browser first = new Browser(console).login("alice", "alice-pw");
        Browser second = new Browser(console).login("alice", "alice-pw");
        String seen = modRevision(first, "timeout"); // both operators opened the key at this revision
        assertThat(first.post("/edit", "csrf", first.csrf, "prefix", "/config/orders/", "name", "timeout", "value", "2s",
                "expect", seen).statusCode()).isEqualTo(303);
        HttpResponse<String> late = second.post("/edit", "csrf", second.csrf, "prefix", "/config/orders/", "name", "timeout",
                "value", "3s", "expect", seen);
        assertThat(late.statusCode()).isEqualTo(409);
        assertThat(late.body()).contains("Conflict: /config/orders/timeout changed since you loaded it", "etcd user alice");
        assertThat(root.get("/config/orders/timeout")).hasValue("2s");
    }

    @Test
    void rollbackWritesTheOldValueGuardedAndRecorded() throws Exception {
        root.put("/config/orders/mode", "safe");
        String safeRevision = modRevision(new Browser(console).login("alice", "alice-pw"), "mode");
        root.put("/config/orders/mode", "fast");
        Browser b = new Browser(console).login("alice", "alice-pw");
        String now = modRevision(b, "mode");
        HttpResponse<String> stale = b.post("/rollback", "csrf", b.csrf, "prefix", "/config/orders/", "name", "mode",
                "revision", safeRevision, "expect", safeRevision);
        assertThat(stale.statusCode()).as("the key changed since the page was read").isEqualTo(409);
        HttpResponse<String> r = b.post("/rollback", "csrf", b.csrf, "prefix", "/config/orders/", "name", "mode",
                "revision", safeRevision, "expect", now);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
        assertThat(root.get("/config/orders/mode")).hasValue("safe");
        assertThat(b.get("/changes").body()).contains("rollback to revision " + safeRevision);
    }

    @Test
    void aUserWithoutWritePermissionGetsEtcdsRefusal() throws Exception {
        Browser bob = new Browser(console).login("bob", "bob-pw");
        HttpResponse<String> r = bob.post("/edit", "csrf", bob.csrf, "prefix", "/config/orders/", "name", "pool", "value", "99",
                "expect", modRevision(bob, "pool"));
        assertThat(r.statusCode()).isIn(409, 502);
        assertThat(r.body()).containsIgnoringCase("permission denied");
        assertThat(root.get("/config/orders/pool")).isNotEqualTo(java.util.Optional.of("99"));
    }

    @Test
    void anUploadedFolderIsPlannedThenAppliedWithTheGuard() throws Exception {
        Browser b = new Browser(console).login("alice", "alice-pw");
        b.get("/upload");
        String files = "{\"files\":[{\"path\":\"config/billing/_keys.properties\",\"content\":\"currency=EUR\\nretries=3\\n\"}]}";
        HttpResponse<String> up = b.http.send(HttpRequest.newBuilder(URI.create(console.url() + "upload"))
                .header("Content-Type", "application/json").header("X-CSRF-Token", b.csrf)
                .POST(HttpRequest.BodyPublishers.ofString(files)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(up.statusCode()).as(up.body()).isEqualTo(303);
        String plan = b.get("/upload").body();
        assertThat(plan).contains("2 to add", "/config/billing/currency", "EUR");
        assertThat(root.get("/config/billing/currency")).isEmpty();
        HttpResponse<String> applied = b.post("/apply", "csrf", b.csrf, "message", "billing");
        assertThat(applied.body()).contains("Applied 2 changes in one transaction");
        assertThat(root.get("/config/billing/retries")).hasValue("3");
    }

    @Test
    void uploadedBytesArePlannedAsPlanReadsTheSameFileFromDisk(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        byte[] latin = "name=M\u00fcller\n".getBytes(StandardCharsets.ISO_8859_1);
        java.nio.file.Files.createDirectories(dir.resolve("config/latin1"));
        java.nio.file.Files.write(dir.resolve("config/latin1/_keys.properties"), latin);
        io.etcdmp.cli.core.Planning.Result fromDisk = io.etcdmp.cli.core.Planning.plan(connection, dir, java.util.List.of(), false);
        assertThat(fromDisk.report().ok()).isFalse();
        Browser b = new Browser(console).login("alice", "alice-pw");
        b.get("/upload");
        HttpResponse<String> up = upload(b, "{\"files\":[{\"path\":\"config/latin1/_keys.properties\",\"data\":\""
                + java.util.Base64.getEncoder().encodeToString(latin) + "\"}]}");
        assertThat(up.statusCode()).isEqualTo(400);
        fromDisk.report().errors().forEach(p -> assertThat(up.body()).contains(Html.esc(p.toString())));
        HttpResponse<String> bad = upload(b, "{\"files\":[{\"path\":\"config/latin1/_keys.properties\",\"data\":\"%%%\"}]}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("config/latin1/_keys.properties has neither base64");
        assertThat(root.get("/config/latin1/name")).isEmpty();
    }

    @Test
    void anUploadedFileDefiningAKeyTwiceIsRefusedNamingTheFileTheKeyAndTheLines() throws Exception {
        Browser b = new Browser(console).login("alice", "alice-pw");
        b.get("/upload");

        HttpResponse<String> up = upload(b, "{\"files\":[{\"path\":\"config/twice/_keys.properties\","
                + "\"content\":\"log.level=DEBUG\\nlog.level=WARN\\n\"}]}");

        assertThat(up.statusCode()).as(up.body()).isEqualTo(400);
        assertThat(up.body()).contains(Html.esc("config/twice/_keys.properties: key 'log.level' is defined twice, on lines 1 and 2"));
        assertThat(root.get("/config/twice/log.level")).isEmpty();
    }

    static HttpResponse<String> upload(Browser b, String json) throws Exception {
        return b.http.send(HttpRequest.newBuilder(URI.create(b.at.url() + "upload")).header("Content-Type", "application/json")
                .header("X-CSRF-Token", b.csrf).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void registryActionsWriteStatusAndWeightInTheRecordsOwnShapeUnderItsLease() throws Exception {
        long lease = root.leaseGrant(60);
        root.run("put", "--lease=" + Long.toHexString(lease), "/services/pay/node-1", "{\"host\":\"127.0.0.1\",\"port\":3000}");
        root.put("/services/pay/java-1", "{\"Addr\":\"127.0.0.1:8080\",\"Metadata\":{\"instanceId\":\"java-1\","
                + "\"scheme\":\"http\",\"status\":\"UP\",\"metadata\":{\"zone\":\"eu\"}}}");
        Browser b = new Browser(console).login("alice", "alice-pw");
        b.get("/registry?service=pay");
        assertThat(b.post("/instance", "csrf", b.csrf, "key", "/services/pay/node-1", "status", "OUT_OF_SERVICE",
                "expect", ConsoleRegistryActionsTest.expect(b, "pay", "/services/pay/node-1")).statusCode()).isEqualTo(303);
        assertThat(b.post("/instance", "csrf", b.csrf, "key", "/services/pay/java-1", "weight", "7",
                "expect", ConsoleRegistryActionsTest.expect(b, "pay", "/services/pay/java-1")).statusCode()).isEqualTo(303);
        assertThat(root.get("/services/pay/node-1")).hasValue("{\"host\":\"127.0.0.1\",\"port\":3000,\"status\":\"OUT_OF_SERVICE\"}");
        assertThat(root.get("/services/pay/java-1").orElseThrow()).contains("\"metadata\":{\"zone\":\"eu\",\"weight\":\"7\"}");
        assertThat(b.get("/registry?service=pay").body()).contains("OUT_OF_SERVICE", "<td>7</td>");
        assertThat(root.run("get", "/services/pay/node-1", "-w", "json")).contains("\"lease\":" + lease);
        HttpResponse<String> plain = b.post("/instance", "csrf", b.csrf, "key", "/services/pay/java-1", "status", "BROKEN",
                "expect", ConsoleRegistryActionsTest.expect(b, "pay", "/services/pay/java-1"));
        assertThat(plain.statusCode()).isEqualTo(400);
    }

    @Test
    void aWriteFromAnotherSiteAndAnEmptyValueForAMaskedKeyAreRefused() throws Exception {
        root.put("/config/orders/api.token", "t0ken");
        Browser b = new Browser(console).login("alice", "alice-pw");
        String rev = modRevision(b, "api.token");
        assertThat(b.get("/edit?prefix=/config/orders/&name=api.token").body()).doesNotContain("t0ken").contains("(masked");
        HttpResponse<String> empty = b.post("/edit", "csrf", b.csrf, "prefix", "/config/orders/", "name", "api.token",
                "value", "", "expect", rev);
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("is masked: type its new value");
        HttpResponse<String> crossSite = b.http.send(HttpRequest.newBuilder(URI.create(console.url() + "edit"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + b.csrf + "&prefix=/config/orders/&name=api.token&value=x&expect="
                        + rev)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(root.get("/config/orders/api.token")).hasValue("t0ken");
    }

    @Test
    void aSessionUnusedForItsTimeoutEnds() throws Exception {
        Browser b = new Browser(shortSessions).login("alice", "alice-pw");
        assertThat(b.get("/").body()).contains("etcd user <b>alice</b>");
        await().pollDelay(Duration.ofMillis(1100)).atMost(Duration.ofSeconds(10))
                .until(() -> b.get("/").headers().firstValue("Location").orElse("").equals("/login")); // --write: pages need a login
        assertThat(b.post("/edit", "csrf", b.csrf, "prefix", "/config/orders/", "name", "late", "value", "1", "expect", "0")
                .statusCode()).isEqualTo(303);
        assertThat(root.get("/config/orders/late")).isEmpty();
    }

    /** The modification revision the prefix page shows for {@code name}. */
    static String modRevision(Browser b, String name) throws Exception {
        String page = b.get("/?prefix=/config/orders/").body();
        Matcher m = Pattern.compile("<code>" + Pattern.quote(name) + "</code></td><td>.*?</td><td>(\\d+)</td>").matcher(page);
        assertThat(m.find()).as(page).isTrue();
        return m.group(1);
    }
}
