package io.etcdmp.cli.console;

import io.etcdmp.cli.core.ChangeRecords;
import io.etcdmp.internal.cli.SecretNames;
import io.etcdmp.internal.cli.ToolConnection;
import io.etcdmp.testing.LocalEtcd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code etcdmp console} read-only, over HTTP: every page, escaping, masking, the CSP, and a change announced live. */
@Timeout(120)
class ConsoleReadOnlyTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.builder().keepingKeys().start();

    static ToolConnection connection;
    static Console console;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        etcd.put("/config/application/greeting", "hello");
        etcd.put("/config/orders/greeting", "<script>alert(1)</script>");
        etcd.put("/config/orders/db.password", "s3cret-value");
        etcd.put("/config/orders/\"onmouseover=alert(2)", "x\" onmouseover=\"alert(3)");
        etcd.put("/services/orders/node-1", "{\"host\":\"127.0.0.1\",\"port\":3000,\"zone\":\"eu-1\",\"weight\":5,"
                + "\"note\":\"<img src=x onerror=alert(4)>\"}");
        connection = ToolConnection.open(Map.of(ToolConnection.ENDPOINTS, etcd.endpoints()));
        console = Console.start(new Console.Options("127.0.0.1", 0, false, "/config/", "/services/",
                ChangeRecords.DEFAULT_PREFIX, Duration.ofMinutes(5), SecretNames.defaults(),
                Map.of(ToolConnection.ENDPOINTS, etcd.endpoints())), connection);
    }

    @AfterAll
    static void stop() {
        if (console != null) {
            console.close();
        }
        if (connection != null) {
            connection.close();
        }
    }

    static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(console.url() + path.substring(1))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void pagesShowConfigRegistryAndHistoryEscapedMaskedUnderAStrictCsp() throws Exception {
        HttpResponse<String> index = get("/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Security-Policy")).hasValue(Console.CSP);
        assertThat(index.body()).contains("/config/orders/", "/config/application/");

        String app = get("/?app=orders").body();
        assertThat(app).contains("greeting", "&lt;script&gt;alert(1)&lt;/script&gt;", "/config/application/: ")
                .doesNotContain("<script>alert", "s3cret-value").contains("(masked)")
                .contains("&quot;onmouseover=alert(2)").doesNotContain("\"onmouseover");

        String registry = get("/registry?service=orders").body();
        assertThat(registry).contains("node-1", "http://127.0.0.1:3000", "eu-1", "<td>5</td>", "no lease",
                "&lt;img src=x onerror=alert(4)&gt;").doesNotContain("<img src=x");

        etcd.put("/config/orders/greeting", "second");
        String history = get("/history?prefix=/config/orders/&name=greeting").body();
        assertThat(history).contains("second", "&lt;script&gt;");
        java.util.regex.Matcher rows = java.util.regex.Pattern.compile("<tr><td>(\\d+)</td>").matcher(history);
        assertThat(rows.find()).isTrue();
        String newest = rows.group(1);
        assertThat(rows.find()).isTrue();
        String diff = get("/history?prefix=/config/orders/&name=greeting&a=" + rows.group(1) + "&b=" + newest).body();
        assertThat(diff).contains("<del>- &lt;script&gt;alert(1)&lt;/script&gt;</del>", "<ins>+ second</ins>");
        assertThat(get("/changes").statusCode()).isEqualTo(200);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(console.url() + "edit")).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
    }

    @Test
    void aLargePrefixIsShownFiveHundredRowsAPage() throws Exception {
        for (int t = 0; t < 6; t++) {
            List<io.etcd.jetcd.op.Op> ops = new java.util.ArrayList<>();
            for (int i = t * 100; i < t * 100 + 100; i++) {
                ops.add(io.etcd.jetcd.op.Op.put(io.etcd.jetcd.ByteSequence.from(String.format("/config/big/k%04d", i), StandardCharsets.UTF_8),
                        io.etcd.jetcd.ByteSequence.from("v" + i, StandardCharsets.UTF_8), io.etcd.jetcd.options.PutOption.DEFAULT));
            }
            connection.client().getKVClient().txn().Then(ops.toArray(io.etcd.jetcd.op.Op[]::new)).commit().get(10, TimeUnit.SECONDS);
        }
        String first = get("/?prefix=/config/big/").body();
        assertThat(first).contains("600 of 600 keys; rows 1\u2013500", "k0499").doesNotContain("k0500").contains("page=1");
        String second = get("/?prefix=/config/big/&q=&page=1").body();
        assertThat(second).contains("rows 501\u2013600", "k0500", "k0599").doesNotContain("k0499");
    }

    @Test
    void aPutIsAnnouncedToAnOpenPageWithinASecond() throws Exception {
        HttpResponse<java.io.InputStream> events = http.send(HttpRequest.newBuilder(URI.create(console.url() + "events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
            assertThat(in.readLine()).isEqualTo("retry: 1000");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> console.listeners() > 0);
            long put = System.nanoTime();
            etcd.put("/config/orders/live", "now");
            CompletableFuture<String> event = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        if (line.startsWith("event: change")) {
                            return in.readLine();
                        }
                    }
                    return null;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(event.get(1, TimeUnit.SECONDS)).startsWith("data: {\"revision\":");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - put)).isLessThan(1000);
        }
    }

    /** The default words cover their plurals and acronym-led compounds, over whole pages (keys and inside a document). */
    @Test
    void pluralAndCompoundSecretNamesAreMaskedOnEveryPage() throws Exception {
        Map<String, String> secrets = Map.of("db.credentials", "plural-cred-1", "apiKeys", "apikeys-2",
                "access_tokens", "tokens-3", "DB_PASSWORDS", "upper-4", "APIKeys", "acronym-5");
        secrets.forEach((k, v) -> etcd.put("/config/plurals/" + k, v));
        etcd.put("/config/plurals/monkeys", "visible-m");
        etcd.put("/config/plurals/application.properties", "db.credentials=doc-plural-6\nserver.apiKeys=doc-apikeys-7\n"
                + "tokenizer=visible-t\n");
        StringBuilder all = new StringBuilder();
        for (String page : List.of("/?prefix=/config/plurals/", "/?app=plurals", "/?app=plurals&q=cred",
                "/history?prefix=/config/plurals/&name=application.properties")) {
            all.append(get(page).body());
        }
        for (String k : secrets.keySet()) {
            all.append(get("/history?prefix=/config/plurals/&name=" + k).body());
        }
        String text = all.toString();
        for (String secret : List.of("plural-cred-1", "apikeys-2", "tokens-3", "upper-4", "acronym-5", "doc-plural-6",
                "doc-apikeys-7")) {
            assertThat(text).as(text).doesNotContain(secret);
        }
        assertThat(text).contains("visible-m", "visible-t", "(masked)");
    }
}
