package io.etcdmp.cli;

import io.etcdmp.testing.LocalEtcd;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the tool prints: masked secrets, JSON for scripts, validation with line and column. */
@Timeout(120)
class OutputTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.start();
    private static final List<String> SECRETS = List.of("S3cr3t-pw-value", "tok-4242-value", "apikey-9999-value",
            "old-pw-before", "doc-pw-inside");
    private Cli cli;

    @BeforeEach
    void cli() {
        cli = Cli.at(etcd.endpoints());
    }

    @Test
    void valuesOfSecretLookingNamesAreNeverPrintedByAnyCommand(@TempDir Path dir) {
        etcd.put("/config/orders/db.password", "old-pw-before");
        Folders.write(dir, "config/orders/_keys.properties",
                "db.password=S3cr3t-pw-value\napi-token=tok-4242-value\nservice.apiKey=apikey-9999-value\nplain=visible-value\n");
        Folders.write(dir, "config/orders/application.yaml", "db:\n  credentials:\n    password: doc-pw-inside\n");
        List<Cli.Run> runs = new ArrayList<>();

        runs.add(cli.run("plan", dir.toString()));
        runs.add(cli.run("plan", dir.toString(), "--output", "json"));
        runs.add(cli.run("apply", dir.toString(), "-m", "with secrets"));
        runs.add(cli.run("effective", "--app", "orders", "--documents", "application.yaml"));
        runs.add(cli.run("effective", "--app", "orders", "--documents", "application.yaml", "-o", "json"));
        runs.add(cli.run("history", "/config/orders/", "db.password"));
        runs.add(cli.run("history", "/config/orders/", "db.password", "-o", "json"));
        runs.add(cli.run("log"));
        runs.add(cli.run("validate", dir.toString()));

        String all = String.join("\n", runs.stream().map(Cli.Run::all).toList());
        assertThat(runs).allSatisfy(r -> assertThat(r.code()).as(r.toString()).isIn(0, 2));
        for (String secret : SECRETS) {
            assertThat(all).doesNotContain(secret);
        }
        assertThat(all).contains("(masked)").contains("visible-value");
        assertThat(runs.get(0).out()).contains("~ /config/orders/db.password: (masked) -> (masked)")
                .contains("+ db.credentials.password = (masked)");
    }

    /** The default words cover their plurals and acronym-led compounds, in every command's whole output. */
    @Test
    void pluralAndCompoundSecretNamesAreMaskedByEveryCommand(@TempDir Path dir) {
        List<String> secrets = List.of("plural-cred-1", "apikeys-2", "tokens-3", "upper-4", "acronym-5", "doc-plural-6");
        etcd.put("/config/plurals/db.credentials", "plural-cred-1");
        Folders.write(dir, "config/plurals/_keys.properties", "db.credentials=plural-cred-1\napiKeys=apikeys-2\n"
                + "access_tokens=tokens-3\nDB_PASSWORDS=upper-4\nAPIKeys=acronym-5\nmonkeys=visible-m\nkeystore.path=visible-k\n"
                + "tokenizer=visible-t\n");
        Folders.write(dir, "config/plurals/application.yaml", "db:\n  credentials: doc-plural-6\n");
        List<Cli.Run> runs = new ArrayList<>();
        runs.add(cli.run("plan", dir.toString()));
        runs.add(cli.run("plan", dir.toString(), "--output", "json"));
        runs.add(cli.run("apply", dir.toString(), "-m", "plurals"));
        runs.add(cli.run("effective", "--app", "plurals", "--documents", "application.yaml"));
        runs.add(cli.run("effective", "--app", "plurals", "--documents", "application.yaml", "-o", "json"));
        runs.add(cli.run("history", "/config/plurals/", "db.credentials"));

        String all = String.join("\n", runs.stream().map(Cli.Run::all).toList());
        assertThat(runs).allSatisfy(r -> assertThat(r.code()).as(r.toString()).isIn(0, 2));
        for (String secret : secrets) {
            assertThat(all).as(all).doesNotContain(secret);
        }
        assertThat(all).contains("visible-m", "visible-k", "visible-t");
    }

    @Test
    void consoleRefusesAnAllowedHostThatIsNoHostNameNamingIt() {
        Cli.Run r = cli.run("console", "--port", "0", "--allowed-host", "console.example.com", "--allowed-host", "http://x/");
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("--allowed-host http://x/ is no host name or address");
    }

    @Test
    void maskTakesTheWordsToMaskAndAnEmptyListMasksNothing(@TempDir Path dir) {
        Folders.write(dir, "config/orders/_keys.properties", "db.password=pw-1\nmy.pin=1234\n");

        Cli.Run custom = cli.run("plan", dir.toString(), "--mask", "pin");
        Cli.Run none = cli.run("plan", dir.toString(), "--mask=");

        assertThat(custom.out()).contains("my.pin = (masked)").contains("db.password = pw-1");
        assertThat(none.out()).contains("my.pin = 1234");
    }

    @Test
    void jsonOutputOfEveryCommandParsesWithJsonP(@TempDir Path dir) {
        Folders.write(dir, "config/orders/_keys.properties", "a=1\nb=2\n");
        etcd.put("/services/billing/one", "127.0.0.1:8080");
        List<String[]> commands = List.of(
                new String[] {"plan", dir.toString()},
                new String[] {"apply", dir.toString()},
                new String[] {"plan", dir.toString()},
                new String[] {"log"},
                new String[] {"history", "/config/orders/", "a"},
                new String[] {"effective", "--app", "orders"},
                new String[] {"services"},
                new String[] {"instances", "billing"},
                new String[] {"export", "/config/orders/", dir.resolve("exported").toString()},
                new String[] {"validate", dir.toString()});
        for (String[] c : commands) {
            String[] args = new String[c.length + 2];
            System.arraycopy(c, 1, args, 0, c.length - 1);
            args[c.length - 1] = "--output";
            args[c.length] = "json";
            Cli.Run run = cli.run(c[0], java.util.Arrays.copyOf(args, c.length + 1));
            assertThat(run.code()).as(run.toString()).isIn(0, 2);
            JsonStructure parsed = Json.createReader(new StringReader(run.out())).read();
            assertThat(parsed).as(c[0]).isInstanceOf(JsonObject.class);
        }
        JsonObject plan = Json.createReader(new StringReader(cli.run("plan", dir.toString(), "-o", "json").out())).readObject();
        assertThat(plan.getJsonObject("summary").getInt("unchanged")).isEqualTo(2);
    }

    @Test
    void validateGivesTheLineAndColumnOfADocumentErrorAndKeysThatCollide(@TempDir Path dir) {
        Folders.write(dir, "config/orders/application.yaml", "db:\n  url: x\n  pool: [1, 2\n");
        Folders.write(dir, "config/orders/settings.json", "{\"a\": 1,,}");
        Folders.write(dir, "config/orders/_keys.properties", "db.user=a\ndb/user=b\nbad\\ name=c\n");

        Cli.Run run = cli.run("validate", dir.toString());

        assertThat(run.code()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("config/orders/application.yaml: does not parse: line 4, column 1")
                .contains("config/orders/settings.json: does not parse: line 1, column")
                .contains("keys 'db.user' and 'db/user' both give property 'db.user'")
                .contains("'bad name', not a valid MicroProfile Config name");
        assertThat(run.out()).contains("4 errors");
    }
}
