package io.etcdmp.cli.console;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.LeaseOption;
import io.etcdmp.cli.core.ChangeRecords;
import io.etcdmp.internal.cli.SecretNames;
import io.etcdmp.internal.cli.ToolConnection;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.testing.EtcdCluster;
import io.etcdmp.testing.Etcdctl;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.json.Json;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console in a real headless browser (Debian's chromium and chromedriver, Selenium 4; one browser for the
 * class), against a real etcd with authentication, a real registered instance (a Weld SE application with the
 * library: its config source and its self-registration) and a real Node.js {@code etcd3} instance. Screenshots of
 * each page go to target/console-screenshots/ (with -Dconsole.screenshots=../docs/console, to docs/CONSOLE.md's).
 */
@Timeout(240)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    static final String ROOT_PASSWORD = "root-pw";
    static final String JAVA_ID = ServiceInstance.defaultId("orders", "127.0.0.1", 18080);
    /** target/console-screenshots; {@code -Dconsole.screenshots=../docs/console} refreshes the ones docs/CONSOLE.md shows. */
    static final Path SHOTS = Path.of(System.getProperty("console.screenshots", "target/console-screenshots"));

    static EtcdCluster etcd;
    static Etcdctl root;
    static ToolConnection connection;
    static Console console;
    static NodeSeed node;
    static WeldContainer app;
    static Config config;
    static ServiceRegistry caller;
    static WebDriver browser;
    static final Map<String, String> previous = new HashMap<>();
    static final List<String> jsErrors = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        etcd = EtcdCluster.builder().start();
        root = etcd.ctl().withCommandTimeout(Duration.ofSeconds(20)).enableAuth(ROOT_PASSWORD); // bcrypt on a loaded machine
        root.addUser("alice", "alice-pw");
        root.addRole("operator");
        for (String p : List.of("/config/", "/config-changes/", "/services/")) {
            root.grantPermission("operator", "readwrite", p, true);
        }
        root.grantRole("alice", "operator");
        root.addUser("bob", "bob-pw");
        root.addRole("viewer");
        root.grantPermission("viewer", "read", "/config/", true);
        root.grantRole("bob", "viewer");
        root.put("/config/application/greeting", "hello");
        root.put("/config/application/pool.size", "5");
        root.put("/config/orders/pool.size", "10");
        root.put("/config/orders/db.password", "s3cret-value");
        root.put("/config/orders/banner", "<script>window.__xss=1</script>");
        root.put("/config/orders/\"onmouseover=window.__xss=2", "x\" onmouseover=\"window.__xss=3");

        Map<String, String> properties = Map.of("mp.app.name", "orders", "etcd.endpoints", etcd.endpoints(),
                "etcd.user", "root", "etcd.password", ROOT_PASSWORD, "etcd.registry.host", "127.0.0.1",
                "etcd.registry.port", "18080", "etcd.registry.ttl", "3s", "etcd.registry.report-interval", "500ms");
        properties.forEach((k, v) -> previous.put(k, System.setProperty(k, v)));
        Weld weld = new Weld().disableDiscovery();
        java.util.ServiceLoader.load(Extension.class).forEach(weld::addExtension);
        app = weld.initialize();
        config = ConfigProvider.getConfig();
        caller = app.select(ServiceRegistry.class).get();
        node = NodeSeed.start(etcd.endpoints(), "root", ROOT_PASSWORD);
        node.register("orders", "node-1", Json.createObjectBuilder().add("host", "127.0.0.2").add("port", 3000)
                .add("zone", "eu-2").add("note", "<img src=x onerror=window.__xss=4>").build());

        Map<String, String> settings = new HashMap<>(Map.of(ToolConnection.ENDPOINTS, etcd.endpoints(),
                ToolConnection.REQUEST_TIMEOUT, "20s"));
        Map<String, String> asRoot = new HashMap<>(settings);
        asRoot.put(ToolConnection.USER, "root");
        asRoot.put(ToolConnection.PASSWORD, ROOT_PASSWORD);
        connection = ToolConnection.open(asRoot);
        console = Console.start(new Console.Options("127.0.0.1", 0, true, "/config/", "/services/",
                ChangeRecords.DEFAULT_PREFIX, Duration.ofMinutes(10), SecretNames.defaults(), settings), connection);

        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium").addArguments("--headless=new",
                "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build(), options);
        Files.createDirectories(SHOTS);
        await().atMost(Duration.ofSeconds(20)).until(() -> root.get("/services/orders/" + JAVA_ID).isPresent());
    }

    @AfterAll
    static void stop() throws Exception {
        List<AutoCloseable> all = new ArrayList<>();
        all.add(() -> {
            if (browser != null) {
                browser.quit();
            }
        });
        all.add(() -> {
            if (app != null) {
                app.shutdown();
                ConfigProviderResolver.instance().releaseConfig(config);
            }
        });
        all.add(node);
        all.add(console);
        all.add(connection);
        all.add(etcd);
        for (AutoCloseable c : all) {
            if (c != null) {
                c.close();
            }
        }
        previous.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    /** Every SEVERE browser log entry (JavaScript errors, CSP violations, failed loads) but the expected refusals (409, the upload's 400). */
    @AfterEach
    void collectBrowserErrors() {
        for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue() && !e.getMessage().contains("status of 409")
                    && !e.getMessage().contains("/upload - Failed to load resource: the server responded with a status of 400")) {
                jsErrors.add(e.getMessage());
            }
        }
    }

    static void open(String path) {
        browser.get(console.url() + path.substring(1));
    }

    static void live() {
        new WebDriverWait(browser, Duration.ofSeconds(10)).ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> "on".equals(d.findElement(By.tagName("body")).getAttribute("data-live")));
    }

    static void shot(String name) throws Exception {
        Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    /** The rendered text of element {@code id}, read at once (a live update may replace the element any time). */
    static String text(String id) {
        Object t = ((JavascriptExecutor) browser).executeScript("var e = document.getElementById(arguments[0]); "
                + "return e ? e.innerText : '';", id);
        return String.valueOf(t).replaceAll("[ \t]+", " "); // cells: tab-separated in innerText
    }

    @Test
    @Order(1)
    void theEffectiveConfigIsListedAndAnEtcdctlPutShowsWithinOneSecond() throws Exception {
        open("/login");
        shot("login");
        login("alice", "alice-pw"); // with --write every page needs a login
        open("/?app=orders");
        live();
        assertThat(text("effective")).contains("greeting hello /config/application/", "pool.size 10 /config/orders/", "/config/application/: 5",
                "db.password (masked)");
        assertThat(browser.getPageSource()).doesNotContain("s3cret-value");
        shot("configuration");
        long put = System.nanoTime();
        root.put("/config/orders/pool.size", "25");
        new WebDriverWait(browser, Duration.ofSeconds(1), Duration.ofMillis(20)).until(d -> text("effective").contains("pool.size 25"));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - put);
        System.out.println("etcdctl put to the open page: " + millis + " ms");
        assertThat(millis).isLessThan(1000);
    }

    @Test
    @Order(2)
    void xssValuesRenderAsText() throws Exception {
        open("/?prefix=/config/orders/");
        assertThat(text("keys")).contains("<script>window.__xss=1</script>", "\"onmouseover=window.__xss=2",
                "x\" onmouseover=\"window.__xss=3");
        open("/registry?service=orders");
        assertThat(text("instances")).contains("<img src=x onerror=window.__xss=4>");
        JavascriptExecutor js = (JavascriptExecutor) browser;
        assertThat(js.executeScript("return window.__xss === undefined")).isEqualTo(true);
        assertThat(js.executeScript("return document.querySelectorAll('[onmouseover],[onerror],main script').length")).isEqualTo(0L);
    }

    @Test
    @Order(3)
    void aMaskedValueIsRevealedByItsButtonOnly() throws Exception {
        open("/?prefix=/config/orders/");
        live();
        assertThat(browser.getPageSource()).doesNotContain("s3cret-value");
        browser.findElement(By.xpath("//button[@aria-label='Reveal /config/orders/db.password']")).click();
        new WebDriverWait(browser, Duration.ofSeconds(20)).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .withMessage(() -> text("live")).until(d -> text("live").contains("s3cret-value"));
        assertThat(browser.getTitle()).startsWith("Revealed: /config/orders/db.password");
        shot("reveal");
        open("/?prefix=/config/orders/");
        assertThat(browser.getPageSource()).doesNotContain("s3cret-value");
    }

    @Test
    @Order(4)
    void aRollbackFromThePageChangesTheValueTheApplicationSees() throws Exception {
        login("alice", "alice-pw");
        await().atMost(Duration.ofSeconds(10)).until(() -> config.getValue("pool.size", String.class).equals("25"));
        open("/history?prefix=/config/orders/&name=pool.size");
        List<WebElement> rows = browser.findElements(By.cssSelector("#history tbody tr"));
        String oldRevision = rows.get(rows.size() - 1).findElement(By.tagName("td")).getText();
        String newRevision = rows.get(0).findElement(By.tagName("td")).getText();
        open("/history?prefix=/config/orders/&name=pool.size&a=" + oldRevision + "&b=" + newRevision);
        assertThat(text("diff")).contains("- 10", "+ 25");
        shot("history");
        browser.findElement(By.xpath("//table[@id='history']//tr[td/code[text()='10']]//button")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> config.getValue("pool.size", String.class).equals("10"));
        assertThat(root.get("/config/orders/pool.size")).hasValue("10");
        open("/changes");
        assertThat(text("changes")).contains("rollback to revision " + oldRevision, "alice");
        shot("changes");
    }

    @Test
    @Order(5)
    void outOfRotationIsSkippedByChooseWithinOneSecondAndSurvivesKeepAliveRounds() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> caller.instances("orders").size() == 2);
        open("/registry?service=orders");
        live();
        assertThat(text("instances")).contains(JAVA_ID, "node-1", "eu-2", "http://127.0.0.2:3000");
        shot("registry");
        long javaLease = lease("/services/orders/" + JAVA_ID);
        long nodeLease = lease("/services/orders/node-1");
        row(JAVA_ID).findElement(By.xpath(".//button[text()='Out of service']")).click();
        long clicked = System.nanoTime();
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10)).until(() -> skipped(JAVA_ID));
        System.out.println("out of rotation to choose() skipping it: " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - clicked) + " ms");
        open("/registry?service=orders");
        row("node-1").findElement(By.xpath(".//button[text()='Out of service']")).click();
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10)).until(() -> caller.choose("orders").isEmpty());

        // the library instance's lease (3 s TTL, kept alive every second) outlives a whole TTL after the change: at
        // least one keep-alive round came; etcd3's 10 s lease: its time to live goes up when its keep-alive comes
        long changed = System.nanoTime();
        keepAliveRound(nodeLease);
        await().atMost(Duration.ofSeconds(15)).until(() -> System.nanoTime() - changed > TimeUnit.MILLISECONDS.toNanos(3500)
                && lease("/services/orders/" + JAVA_ID) == javaLease);
        assertThat(root.get("/services/orders/" + JAVA_ID).orElseThrow()).contains("\"status\":\"OUT_OF_SERVICE\"");
        assertThat(root.get("/services/orders/node-1").orElseThrow()).contains("\"status\":\"OUT_OF_SERVICE\"")
                .startsWith("{\"host\":\"127.0.0.2\",\"port\":3000");
        assertThat(caller.choose("orders")).isEmpty();

        open("/registry?service=orders");
        row(JAVA_ID).findElement(By.xpath(".//button[text()='Back to UP']")).click();
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                .until(() -> caller.choose("orders").map(ServiceInstance::instanceId).orElse("").equals(JAVA_ID));
    }

    @Test
    @Order(6)
    void aFolderUploadedFromThePageIsPlannedByteForByteAsPlanReadsItFromDiskLatin1Included() throws Exception {
        Path latin = Files.createTempDirectory("etcdmp-upload").resolve("settings"); // the folder the operator picks
        Files.createDirectories(latin.resolve("config/latin"));
        Files.write(latin.resolve("config/latin/application.properties"),
                "name=M\u00fcller\n".getBytes(StandardCharsets.ISO_8859_1)); // saved in Latin-1
        io.etcdmp.cli.core.Planning.Result latinFromDisk = io.etcdmp.cli.core.Planning.plan(connection, latin, List.of(), false);
        assertThat(latinFromDisk.report().ok()).as("plan <dir> refuses it").isFalse();
        upload(latin);
        new WebDriverWait(browser, Duration.ofSeconds(20)).withMessage(() -> "the page shows: " + text("live"))
                .until(d -> text("live").contains("not valid"));
        for (Object problem : latinFromDisk.report().errors()) { // the same refusal, naming the file, nothing planned
            assertThat(text("live")).contains(problem.toString());
        }
        assertThat(staged()).as("no plan from a damaged text").isNull();

        Path utf8 = Files.createTempDirectory("etcdmp-upload").resolve("settings");
        Files.createDirectories(utf8.resolve("config/latin"));
        Files.write(utf8.resolve("config/latin/application.properties"), "name=M\u00fcller\ncity=K\u00f6ln \uD83D\uDE00\n"
                .getBytes(StandardCharsets.UTF_8));
        Files.write(utf8.resolve("config/latin/_keys.properties"), "greeting=gr\u00fc\u00df dich\n".getBytes(StandardCharsets.UTF_8));
        io.etcdmp.cli.core.Plan fromDisk = io.etcdmp.cli.core.Planning.plan(connection, utf8, List.of(), false).plan().orElseThrow();
        upload(utf8);
        new WebDriverWait(browser, Duration.ofSeconds(20)).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> !d.findElements(By.id("plan-summary")).isEmpty());
        assertThat(text("plan-summary")).contains("2 to add");
        shot("upload");
        io.etcdmp.cli.core.Plan staged = staged();
        assertThat(staged.changes()).hasSameSizeAs(fromDisk.changes());
        for (io.etcdmp.cli.core.Plan.Change expected : fromDisk.changes()) {
            assertThat(staged.changes()).as(expected.key()).anySatisfy(c -> {
                assertThat(c.key()).isEqualTo(expected.key());
                assertThat(c.op()).isEqualTo(expected.op());
                assertThat(c.after()).as(expected.key() + ": the bytes plan reads from disk").isEqualTo(expected.after());
            });
        }
    }

    static void upload(Path folder) {
        open("/upload");
        browser.findElement(By.id("folder")).sendKeys(folder.toAbsolutePath().toString());
        browser.findElement(By.xpath("//form[@id='upload']//button")).click();
    }

    /** The plan the browser's session holds. */
    static io.etcdmp.cli.core.Plan staged() {
        String session = browser.manage().getCookieNamed(Sessions.COOKIE).getValue();
        return console.sessions().find(session).orElseThrow().staged();
    }

    @Test
    @Order(7)
    void aUserWithoutWritePermissionIsRefused() throws Exception {
        browser.findElement(By.xpath("//button[text()='Log out']")).click();
        login("bob", "bob-pw");
        open("/edit?prefix=/config/orders/&name=pool.size");
        browser.findElement(By.name("value")).clear();
        browser.findElement(By.name("value")).sendKeys("99");
        browser.findElement(By.xpath("//form[@action='/edit']//button")).click();
        new WebDriverWait(browser, Duration.ofSeconds(20)).withMessage(() -> text("live")) // the answer's page, not the form's
                .until(d -> text("live").toLowerCase(java.util.Locale.ROOT).contains("permission denied"));
        shot("refused");
        assertThat(root.get("/config/orders/pool.size")).hasValue("10");
    }

    @Test
    @Order(8)
    void theWholeFlowRanWithoutJavaScriptErrors() {
        assertThat(jsErrors).isEmpty();
    }

    static void login(String user, String password) {
        open("/login");
        browser.findElement(By.name("user")).sendKeys(user);
        browser.findElement(By.name("password")).sendKeys(password);
        browser.findElement(By.xpath("//form[@action='/login']//button")).click();
        // the click navigates: an element found on the page being left goes stale, so the wait looks again
        new WebDriverWait(browser, Duration.ofSeconds(20)).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> d.findElement(By.className("session")).getText().contains(user));
    }

    static WebElement row(String instanceId) {
        return browser.findElement(By.xpath("//table[@id='instances']//tr[td[1][text()='" + instanceId + "']]"));
    }

    static boolean skipped(String id) {
        for (int i = 0; i < 20; i++) {
            if (caller.choose("orders").map(ServiceInstance::instanceId).orElse("").equals(id)) {
                return false;
            }
        }
        return true;
    }

    static long lease(String key) throws Exception {
        List<KeyValue> kvs = connection.client().getKVClient().get(ByteSequence.from(key, StandardCharsets.UTF_8))
                .get(10, TimeUnit.SECONDS).getKvs();
        return kvs.get(0).getLease();
    }

    /** Waits until the lease's time to live went up: its owner's keep-alive round came. */
    static void keepAliveRound(long lease) {
        long[] last = {ttl(lease)};
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
            long now = ttl(lease);
            boolean up = now > last[0];
            last[0] = now;
            return up;
        });
    }

    static long ttl(long lease) {
        try {
            return connection.client().getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT).get(10, TimeUnit.SECONDS).getTTL();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
