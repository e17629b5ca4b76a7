package io.etcdmp.cli.console;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcdmp.cli.core.ChangeRecords;
import io.etcdmp.internal.cli.SecretNames;
import io.etcdmp.internal.cli.ToolConnection;
import io.etcdmp.testing.LocalEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The console's scale figures (not a test: its name keeps it out of the suite): 10,000 keys under 3 prefixes and
 * 1,000 instances of 100 services; each page's load in headless chromium (navigation start to load end: server
 * time + browser load), and 100 changes reaching an open prefix page of 3,334 keys.
 * Run: {@code mvn -f cli/pom.xml test -Dtest=ConsoleBenchmark}; prints a table, writes target/console-benchmark.txt.
 */
@Timeout(900)
class ConsoleBenchmark {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.builder().ownCluster().start();

    @Test
    void pagesAndChangesAtScale() throws Exception {
        Map<String, String> settings = Map.of(ToolConnection.ENDPOINTS, etcd.endpoints());
        try (ToolConnection c = ToolConnection.open(settings)) {
            List<Op> ops = new ArrayList<>();
            String[] prefixes = {"/config/application/", "/config/orders/", "/config/billing/"};
            for (int i = 0; i < 10_000; i++) {
                ops.add(put(prefixes[i % 3] + "group" + (i % 50) + ".key" + i, "value-" + i));
                flush(c, ops, false);
            }
            for (int s = 0; s < 100; s++) {
                for (int i = 0; i < 10; i++) {
                    ops.add(put("/services/svc-" + s + "/i-" + i, "{\"Addr\":\"10.0." + s + "." + i + ":8080\",\"Metadata\":"
                            + "{\"instanceId\":\"i-" + i + "\",\"scheme\":\"http\",\"status\":\"UP\",\"metadata\":{\"zone\":\"z"
                            + (i % 3) + "\",\"configRevision\":\"" + (100 + i) + "\"}}}"));
                    flush(c, ops, false);
                }
            }
            flush(c, ops, true);
            try (Console console = Console.start(new Console.Options("127.0.0.1", 0, false, "/config/", "/services/",
                    ChangeRecords.DEFAULT_PREFIX, Duration.ofMinutes(5), SecretNames.defaults(), settings), c)) {
                WebDriver browser = new ChromeDriver(new ChromeDriverService.Builder()
                        .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build(),
                        new ChromeOptions().setBinary("/usr/bin/chromium").addArguments("--headless=new", "--no-sandbox",
                                "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run", "--disable-background-networking"));
                StringBuilder out = new StringBuilder("| page | load: median | max (of 5, after 1 warm-up) | of which server (request to response start): median |\n|---|---|---|---|\n");
                try {
                    for (String page : List.of("/", "/?prefix=/config/orders/", "/?app=orders", "/?app=orders&q=group7",
                            "/registry", "/registry?service=svc-42")) {
                        List<Long> ms = new ArrayList<>();
                        List<Long> server = new ArrayList<>();
                        for (int run = 0; run < 6; run++) {
                            browser.get(console.url() + page.substring(1));
                            Object t = ((JavascriptExecutor) browser).executeScript("var n = performance.getEntriesByType('navigation')[0];"
                                    + " return Math.round(n.loadEventEnd - n.startTime);");
                            Object srv = ((JavascriptExecutor) browser).executeScript("var n = performance.getEntriesByType('navigation')[0];"
                                    + " return Math.round(n.responseStart - n.requestStart);");
                            if (run > 0) {
                                ms.add(((Number) t).longValue());
                                server.add(((Number) srv).longValue());
                            }
                        }
                        Collections.sort(ms);
                        Collections.sort(server);
                        out.append("| `").append(page).append("` | ").append(ms.get(2)).append(" ms | ").append(ms.get(4))
                                .append(" ms | ").append(server.get(2)).append(" ms |\n");
                    }
                    browser.get(console.url() + "?prefix=/config/orders/");
                    new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> "on".equals(
                            ((JavascriptExecutor) d).executeScript("return document.body.getAttribute('data-live')")));
                    List<Long> lat = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        String v = "changed-" + i;
                        long start = System.nanoTime();
                        c.client().getKVClient().put(bytes("/config/orders/group1.key1"), bytes(v)).get(10, TimeUnit.SECONDS);
                        new WebDriverWait(browser, Duration.ofSeconds(10), Duration.ofMillis(5)).until(d -> (Boolean)
                                ((JavascriptExecutor) d).executeScript("return document.getElementById('live').textContent.indexOf(arguments[0]) >= 0", v));
                        lat.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                    }
                    Collections.sort(lat);
                    out.append("\n100 changes to an open page of 3,334 keys: median ").append(lat.get(49)).append(" ms, p99 ")
                            .append(lat.get(98)).append(" ms, max ").append(lat.get(99)).append(" ms\n");
                } finally {
                    browser.quit();
                }
                System.out.println(out);
                Files.writeString(Path.of("target", "console-benchmark.txt"), out);
            }
        }
    }

    private static Op put(String key, String value) {
        return Op.put(bytes(key), bytes(value), PutOption.DEFAULT);
    }

    private static void flush(ToolConnection c, List<Op> ops, boolean all) throws Exception {
        if (ops.size() >= 100 || (all && !ops.isEmpty())) {
            c.client().getKVClient().txn().Then(ops.toArray(Op[]::new)).commit().get(30, TimeUnit.SECONDS);
            ops.clear();
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
