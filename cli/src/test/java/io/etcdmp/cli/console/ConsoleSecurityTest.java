package io.etcdmp.cli.console;

import io.etcdmp.cli.console.ConsoleWriteTest.Browser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.etcdmp.cli.console.ConsoleWriteTest.console;
import static io.etcdmp.cli.console.ConsoleWriteTest.root;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's defences against other sites and other users (on the etcd with authentication of
 * {@link ConsoleWriteTest}): DNS rebinding (the Host header), reads in {@code --write} mode as the logged-in user
 * only, masked secrets inside documents.
 */
@Timeout(180)
class ConsoleSecurityTest {
    @BeforeAll
    static void start() throws Exception {
        ConsoleWriteTest.start();
    }

    @AfterAll
    static void stop() {
        ConsoleWriteTest.stop();
    }

    /** One HTTP/1.1 exchange with exactly the given request text (a browser after DNS rebinding sends its own Host). */
    static String raw(String request) throws Exception {
        URI u = URI.create(console.url());
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            OutputStream o = s.getOutputStream();
            o.write(request.getBytes(StandardCharsets.UTF_8));
            o.flush();
            s.setSoTimeout(20_000);
            InputStream in = s.getInputStream();
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b); // Connection: close
            return b.toString(StandardCharsets.UTF_8);
        }
    }

    static int port() {
        return URI.create(console.url()).getPort();
    }

    @Test
    void aRequestNamingAnotherHostIsRefusedSoDnsRebindingReadsAndWritesNothing() throws Exception {
        root.put("/config/orders/rebound", "only-for-this-machine");
        String get = raw("GET /?prefix=/config/orders/ HTTP/1.1\r\nHost: evil.example:" + port() + "\r\nConnection: close\r\n\r\n");
        assertThat(get.lines().findFirst().orElse("")).contains(" 421 ");
        assertThat(get).doesNotContain("only-for-this-machine");
        String body = "user=alice&password=alice-pw";
        String post = raw("POST /login HTTP/1.1\r\nHost: evil.example:" + port() + "\r\nOrigin: http://evil.example:" + port()
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body);
        assertThat(post.lines().findFirst().orElse("")).contains(" 421 ");
        assertThat(post).doesNotContain("Set-Cookie");
        String events = raw("GET /events HTTP/1.1\r\nHost: evil.example:" + port() + "\r\nConnection: close\r\n\r\n");
        assertThat(events.lines().findFirst().orElse("")).contains(" 421 ");
        String otherPort = raw("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + (port() + 1) + "\r\nConnection: close\r\n\r\n");
        assertThat(otherPort.lines().findFirst().orElse("")).contains(" 421 ");
    }

    @Test
    void theLoopbackNamesAndTheBoundAddressAreServedAndAnOriginOutsideThemIsRefused() throws Exception {
        for (String host : new String[] {"127.0.0.1", "localhost", "[::1]"}) {
            String ok = raw("GET /login HTTP/1.1\r\nHost: " + host + ":" + port() + "\r\nConnection: close\r\n\r\n");
            assertThat(ok.lines().findFirst().orElse("")).as(host).contains(" 200 ");
        }
        String body = "user=alice&password=alice-pw";
        String post = raw("POST /login HTTP/1.1\r\nHost: 127.0.0.1:" + port() + "\r\nOrigin: http://evil.example:" + port()
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body);
        assertThat(post.lines().findFirst().orElse("")).contains(" 403 ");
        assertThat(post).doesNotContain("Set-Cookie: etcdmp");
        String fromLocalhost = raw("POST /login HTTP/1.1\r\nHost: 127.0.0.1:" + port() + "\r\nOrigin: http://localhost:" + port()
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body);
        assertThat(fromLocalhost.lines().findFirst().orElse("")).contains(" 303 ");
        assertThat(new Browser(console).login("alice", "alice-pw").csrf).isNotEmpty();
    }

    /** One HTTP/1.1 exchange with console {@code c}. */
    static String raw(Console c, String request) throws Exception {
        URI u = URI.create(c.url());
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            s.setSoTimeout(20_000);
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            s.getInputStream().transferTo(b);
            return b.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void anAllowedHostIsServedWithOrWithoutItsPortAndAnUnlistedOneIsStillRefused() throws Exception {
        Console.Options o = ConsoleWriteTest.options(java.util.Map.of(io.etcdmp.internal.cli.ToolConnection.ENDPOINTS,
                ConsoleWriteTest.etcd.endpoints(), io.etcdmp.internal.cli.ToolConnection.REQUEST_TIMEOUT, "20s"),
                java.time.Duration.ofMinutes(5));
        o = new Console.Options(o.bind(), o.port(), o.write(), o.configRoot(), o.registryPrefix(), o.changesPrefix(),
                o.sessionTimeout(), o.secrets(), o.settings(), List.of("Console.Example", "10.1.2.3:8443", "fd00::7"));
        try (Console c = Console.start(o, ConsoleWriteTest.connection)) {
            int port = URI.create(c.url()).getPort();
            for (String host : List.of("console.example:" + port, "CONSOLE.example:" + port, "console.example", "10.1.2.3:8443",
                    "[fd00::7]:" + port, "127.0.0.1:" + port)) {
                String ok = raw(c, "GET /login HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
                assertThat(ok.lines().findFirst().orElse("")).as(host).contains(" 200 ");
            }
            for (String host : List.of("evil.example:" + port, "evil.example", "10.1.2.3:" + port, "console.example:" + (port + 1),
                    "sub.console.example:" + port, "console.example.evil:" + port)) {
                String refused = raw(c, "GET /login HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
                assertThat(refused.lines().findFirst().orElse("")).as(host).contains(" 421 ");
            }
            String body = "user=alice&password=alice-pw";
            for (String origin : List.of("http://console.example:" + port, "https://console.example")) {
                String login = raw(c, "POST /login HTTP/1.1\r\nHost: console.example\r\nOrigin: " + origin
                        + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
                        + "\r\nConnection: close\r\n\r\n" + body);
                assertThat(login.lines().findFirst().orElse("")).as(origin).contains(" 303 ");
            }
            String foreign = raw(c, "POST /login HTTP/1.1\r\nHost: console.example\r\nOrigin: http://evil.example"
                    + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body);
            assertThat(foreign.lines().findFirst().orElse("")).contains(" 403 ");
        }
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Console.allowedHost("http://x/")))
                .hasMessageContaining("--allowed-host http://x/");
    }

    @Test
    void inWriteModeEveryPageNeedsALoginSoEtcdsRolesDecideWhatIsRead() throws Exception {
        root.put("/config/orders/visible-to-operators", "operators-only");
        Browser anonymous = new Browser(console);
        for (String page : new String[] {"/", "/?prefix=/config/orders/", "/history?prefix=/config/orders/&name=visible-to-operators",
                "/?app=orders", "/registry", "/changes", "/events"}) {
            var r = anonymous.get(page);
            assertThat(r.statusCode()).as(page).isEqualTo(303);
            assertThat(r.headers().firstValue("Location")).as(page).hasValue("/login");
            assertThat(r.body()).as(page).doesNotContain("operators-only");
        }
        assertThat(anonymous.get("/login").statusCode()).isEqualTo(200);
        assertThat(new Browser(console).login("bob", "bob-pw").get("/?prefix=/config/orders/").body()).contains("operators-only");
    }

    @Test
    void aPrefixOutsideTheConfiguredRootsIsRefusedNamingThem() throws Exception {
        root.put("/private/db-url", "jdbc:postgresql://u:rootonly@db/x");
        Browser alice = new Browser(console).login("alice", "alice-pw");
        for (String page : new String[] {"/?prefix=/private/", "/history?prefix=/private/&name=db-url", "/?prefix=/configuration/",
                "/edit?prefix=/private/&name=db-url"}) {
            var r = alice.get(page);
            assertThat(r.statusCode()).as(page).isEqualTo(400);
            assertThat(r.body()).as(page).contains("outside /config/, /services/, /config-changes/").doesNotContain("rootonly");
        }
        assertThat(alice.get("/?prefix=/config/orders/").statusCode()).isEqualTo(200);
    }

    /** Error pages and headers do not name the server's software and version (a hint for whoever probes it). */
    @Test
    void noPageOrHeaderNamesTheServersSoftwareOrVersion() throws Exception {
        Browser alice = new Browser(console).login("alice", "alice-pw");
        for (String page : new String[] {"/?prefix=/private/", "/no-such-page", "/?prefix=/config/orders/", "/login"}) {
            var r = alice.get(page);
            assertThat(r.body()).as(page).doesNotContainIgnoringCase("jetty");
            assertThat(r.headers().firstValue("Server")).as(page).isEmpty();
        }
    }

    @Test
    void aBindAddressOtherThanLoopbackIsWarnedAbout() {
        assertThat(Console.bindWarning("127.0.0.1")).isEmpty();
        assertThat(Console.bindWarning("::1")).isEmpty();
        assertThat(Console.bindWarning("localhost")).isEmpty();
        assertThat(Console.bindWarning("0.0.0.0")).hasValueSatisfying(w -> assertThat(w)
                .contains("--bind 0.0.0.0").contains("other machines"));
    }

    @Test
    void secretsInsideDocumentsAndUnderSecretLookingFoldersAreMaskedOnEveryPage() throws Exception {
        root.put("/config/masks/application.properties", "db.password=hunter1\nplain.setting=visible-1\n");
        root.put("/config/masks/application.properties", "db.password=hunter2\nplain.setting=visible-2\n"
                + "api.url=${aes-gcm-nopadding::DdocCipherText0}\n");
        root.put("/config/masks/plain.url", "${aes-gcm-nopadding::DwholeCipherText0}");
        root.put("/config/masks/token/github", "ghp_s3cret");
        Browser alice = new Browser(console).login("alice", "alice-pw");
        String history = "/history?prefix=/config/masks/&name=application.properties";
        String revisions = alice.get(history).body();
        Matcher m = Pattern.compile("<td>(\\d+)</td>").matcher(revisions);
        List<String> revs = new ArrayList<>();
        while (m.find()) {
            revs.add(m.group(1));
        }
        assertThat(revs).hasSizeGreaterThanOrEqualTo(2);
        for (String page : new String[] {"/?prefix=/config/masks/", "/?prefix=/config/masks/token/", "/?q=hunter", "/?q=ghp_",
                history, history + "&a=" + revs.get(0) + "&b=" + revs.get(revs.size() - 1),
                "/history?prefix=/config/masks/token/&name=github", "/edit?prefix=/config/masks/&name=application.properties",
                "/edit?prefix=/config/masks/token/&name=github"}) {
            String body = alice.get(page).body();
            assertThat(body).as(page).doesNotContain("hunter1", "hunter2", "ghp_s3cret", "DdocCipherText0", "DwholeCipherText0");
        }
        assertThat(alice.get("/?prefix=/config/masks/").body()).contains("visible-2", "(masked)");
        alice.get("/upload");
        String files = "{\"files\":[{\"path\":\"config/masks/application.properties\",\"content\":\"db.password=hunter3\\n\"},"
                + "{\"path\":\"config/masks/token/_keys.properties\",\"content\":\"db=nested-s3cret\\n\"}]}";
        HttpResponse<String> up = alice.http.send(HttpRequest.newBuilder(URI.create(console.url() + "upload"))
                .header("Content-Type", "application/json").header("X-CSRF-Token", alice.csrf)
                .POST(HttpRequest.BodyPublishers.ofString(files)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(up.statusCode()).as(up.body()).isEqualTo(303);
        assertThat(alice.get("/upload").body()).contains("/config/masks/token/db")
                .doesNotContain("hunter2", "hunter3", "nested-s3cret");
    }
}
