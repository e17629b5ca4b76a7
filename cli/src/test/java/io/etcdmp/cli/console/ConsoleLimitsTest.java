package io.etcdmp.cli.console;

import io.etcdmp.cli.console.ConsoleWriteTest.Browser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static io.etcdmp.cli.console.ConsoleWriteTest.console;
import static io.etcdmp.cli.console.ConsoleWriteTest.root;
import static org.assertj.core.api.Assertions.assertThat;

/** Sizes: zips within limits or refused whole (never truncated), form values up to what etcd takes. */
@Timeout(180)
class ConsoleLimitsTest {
    @BeforeAll
    static void start() throws Exception {
        ConsoleWriteTest.start();
    }

    @AfterAll
    static void stop() {
        ConsoleWriteTest.stop();
    }

    static HttpResponse<String> upload(Browser b, byte[] zip) throws Exception {
        b.get("/upload");
        return b.http.send(HttpRequest.newBuilder(URI.create(console.url() + "upload"))
                .header("Content-Type", "application/zip").header("X-CSRF-Token", b.csrf)
                .POST(HttpRequest.BodyPublishers.ofByteArray(zip)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aZipExpandingBeyondTheLimitIsRefusedNamingItInsteadOfTruncated() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            z.putNextEntry(new ZipEntry("config/bomb/_keys.properties"));
            byte[] line = "k=1\n".getBytes();
            for (int i = 0; i < (40 << 20) / line.length; i++) { // 40 MiB expanded, a few hundred kB compressed
                z.write(line);
            }
            z.closeEntry();
        }
        assertThat(bytes.size()).isLessThan(Math.toIntExact(Uploads.MAX_BYTES));
        HttpResponse<String> r = upload(new Browser(console).login("alice", "alice-pw"), bytes.toByteArray());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("config/bomb/_keys.properties").contains("expands to more than " + Uploads.MAX_BYTES + " bytes");
    }

    @Test
    void aZipWithTooManyEntriesIsRefused() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (int i = 0; i <= Uploads.MAX_ENTRIES; i++) {
                z.putNextEntry(new ZipEntry("config/many/f" + i + ".properties"));
                z.closeEntry();
            }
        }
        HttpResponse<String> r = upload(new Browser(console).login("alice", "alice-pw"), bytes.toByteArray());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("more than " + Uploads.MAX_ENTRIES + " entries");
    }

    /** Review of console3: a folder list of 30,002 files was written out and planned (303), no entry limit as for zips. */
    @Test
    void aFolderListWithTooManyFilesIsRefusedLikeAZip() throws Exception {
        Browser b = new Browser(console).login("alice", "alice-pw");
        b.get("/upload");
        StringBuilder json = new StringBuilder("{\"files\":[{\"path\":\"config/many/_keys.properties\",\"content\":\"a=1\\n\"}");
        for (int i = 0; i < Uploads.MAX_ENTRIES; i++) {
            json.append(",").append("{\"path\":\"config/many/.n").append(i).append("\",\"data\":\"\"}");
        }
        json.append("]}");
        HttpResponse<String> r = ConsoleWriteTest.upload(b, json.toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("more than " + Uploads.MAX_ENTRIES + " files (10001)");
        assertThat(b.get("/upload").body()).contains("No plan yet.");
    }

    /** Review of console3: {}, an entry without "path" and [1] as an entry each got 500. */
    @Test
    void aMalformedFolderListGets400NamingTheBadField() throws Exception {
        Browser b = new Browser(console).login("alice", "alice-pw");
        b.get("/upload");
        java.util.Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{}", "no &quot;files&quot; array");
        cases.put("{\"files\":{}}", "no &quot;files&quot; array");
        cases.put("{\"files\":[{\"data\":\"\"}]}", "files[0] has no &quot;path&quot; string");
        cases.put("{\"files\":[{\"path\":\"config/x/_keys.properties\",\"content\":\"a=1\"},{\"path\":7}]}",
                "files[1] has no &quot;path&quot; string");
        cases.put("{\"files\":[1]}", "files[0] is no object");
        cases.put("{\"files\":[{\"path\":\"config/x/_keys.properties\",\"data\":\"YQ=\"}]}",
                "config/x/_keys.properties has neither base64");
        cases.put("{\"files\":[{\"path\":\"config/x/\\u0000.properties\",\"data\":\"\"}]}", "Nul character");
        cases.put("[1]", "neither a zip nor the page");
        for (java.util.Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<String> r = ConsoleWriteTest.upload(b, c.getKey());
            assertThat(r.statusCode()).as(c.getKey() + " -> " + r.body()).isEqualTo(400);
            assertThat(r.body()).as(c.getKey()).contains(c.getValue());
        }
        assertThat(b.get("/upload").body()).contains("No plan yet.");
    }

    @Test
    void aValueOfAMebibyteIsSavedAndAFormOverTheLimitGets413NamingIt() throws Exception {
        Browser alice = new Browser(console).login("alice", "alice-pw");
        String big = "x".repeat(1 << 20);
        HttpResponse<String> r = alice.post("/edit", "csrf", alice.csrf, "prefix", "/config/orders/", "name", "big", "expect", "0",
                "value", big, "message", "m");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
        assertThat(root.get("/config/orders/big")).hasValue(big);
        r = alice.post("/edit", "csrf", alice.csrf, "prefix", "/config/orders/", "name", "huge", "expect", "0",
                "value", "x".repeat(Console.MAX_FORM_BYTES + 1), "message", "m");
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("over the limit of " + Console.MAX_FORM_BYTES + " bytes");
        assertThat(root.get("/config/orders/huge")).isEmpty();
    }
}
