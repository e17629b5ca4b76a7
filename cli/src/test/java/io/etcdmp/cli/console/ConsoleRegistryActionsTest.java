package io.etcdmp.cli.console;

import io.etcdmp.cli.console.ConsoleWriteTest.Browser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.etcdmp.cli.console.ConsoleWriteTest.console;
import static io.etcdmp.cli.console.ConsoleWriteTest.root;
import static org.assertj.core.api.Assertions.assertThat;

/** Registry actions are guarded by the revision the page showed; a record directly under the registry prefix works. */
@Timeout(180)
class ConsoleRegistryActionsTest {
    @BeforeAll
    static void start() throws Exception {
        ConsoleWriteTest.start();
    }

    @AfterAll
    static void stop() {
        ConsoleWriteTest.stop();
    }

    /** The revision the service page's form carries for {@code key}. */
    static String expect(Browser b, String service, String key) throws Exception {
        String page = b.get("/registry?service=" + service).body();
        Matcher m = Pattern.compile("name=\"key\" value=\"" + Pattern.quote(key) + "\"><input type=\"hidden\" name=\"expect\" value=\"(\\d+)\"")
                .matcher(page);
        assertThat(m.find()).as(page).isTrue();
        return m.group(1);
    }

    @Test
    void anActionFromAPageShowingAnOlderRecordIsRefusedNamingTheKey() throws Exception {
        root.put("/services/ship/a-1", "{\"host\":\"127.0.0.1\",\"port\":3000,\"status\":\"UP\"}");
        Browser b = new Browser(console).login("alice", "alice-pw");
        String shown = expect(b, "ship", "/services/ship/a-1");
        root.put("/services/ship/a-1", "{\"host\":\"127.0.0.1\",\"port\":3000,\"status\":\"UP\",\"weight\":5}"); // meanwhile
        HttpResponse<String> r = b.post("/instance", "csrf", b.csrf, "key", "/services/ship/a-1", "expect", shown, "status", "DRAINING");
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.body()).contains("Conflict: record /services/ship/a-1 changed since you loaded it");
        assertThat(root.get("/services/ship/a-1").orElseThrow()).doesNotContain("DRAINING");
        String now = expect(b, "ship", "/services/ship/a-1");
        assertThat(b.post("/instance", "csrf", b.csrf, "key", "/services/ship/a-1", "expect", now, "status", "DRAINING")
                .statusCode()).isEqualTo(303);
        assertThat(root.get("/services/ship/a-1").orElseThrow()).contains("DRAINING");
    }

    @Test
    void aRecordDirectlyUnderTheRegistryPrefixCanBeChanged() throws Exception {
        root.put("/services/lonely", "{\"Addr\":\"127.0.0.1:80\"}");
        Browser b = new Browser(console).login("alice", "alice-pw");
        b.get("/registry");
        String revision = root.run("get", "/services/lonely", "-w", "json").replaceAll("(?s).*\"mod_revision\":(\\d+).*", "$1");
        HttpResponse<String> r = b.post("/instance", "csrf", b.csrf, "key", "/services/lonely", "expect", revision, "status", "OUT_OF_SERVICE");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).hasValue("/registry");
        assertThat(root.get("/services/lonely").orElseThrow()).contains("OUT_OF_SERVICE");
    }
}
