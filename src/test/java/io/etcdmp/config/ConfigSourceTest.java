package io.etcdmp.config;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcdmp.internal.config.ConfigSourceSettings;
import io.etcdmp.support.CdiApp;
import io.etcdmp.support.Threads;
import io.etcdmp.testing.SharedEtcd;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The etcd config source inside a real CDI container with SmallRye Config, against a real etcd. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConfigSourceTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/config/");
    CdiApp app;

    @AfterEach
    void stopApp() {
        if (app != null) {
            app.close();
        }
    }

    @Dependent
    static class Greeting {
        @Inject
        @ConfigProperty(name = "greeting")
        String greeting;

        @Inject
        @ConfigProperty(name = "greeting")
        ConfigValue greetingValue;
    }

    @Dependent
    static class Settings {
        @Inject
        @ConfigProperty(name = "greeting")
        Provider<String> liveGreeting;

        @Inject
        @ConfigProperty(name = "fallback.value")
        Provider<String> fallback;

        @Inject
        @ConfigProperty(name = "db.pool.size")
        Provider<Integer> poolSize;
    }

    private CdiApp startApp(String... more) {
        app = CdiApp.start(CdiApp.settings(etcd.endpoints(), more), Settings.class);
        return app;
    }

    @Test
    void configPropertyIsInjectedFromEtcd() {
        etcd.ctl().put("/config/application/greeting", "hello from etcd");
        app = CdiApp.start(CdiApp.settings(etcd.endpoints()), Greeting.class);
        Greeting settings = app.bean(Greeting.class);
        assertThat(settings.greeting).isEqualTo("hello from etcd");
        assertThat(settings.greetingValue.getSourceName()).startsWith("etcd[");
        assertThat(settings.greetingValue.getSourceOrdinal()).isEqualTo(ConfigSourceSettings.DEFAULT_ORDINAL);
    }

    @Test
    void changeInEtcdIsSeenLiveThroughProviderAndConfig() {
        etcd.ctl().put("/config/orders/db.pool.size", "10");
        startApp("mp.app.name", "orders");
        Settings settings = app.bean(Settings.class);
        assertThat(settings.poolSize.get()).isEqualTo(10);

        etcd.ctl().put("/config/orders/db.pool.size", "20");

        await().atMost(Duration.ofSeconds(5)).until(() -> settings.poolSize.get() == 20);
        assertThat(app.config().getValue("db.pool.size", int.class)).isEqualTo(20);
        assertThat(app.config().getConfigValue("db.pool.size").getValue()).isEqualTo("20");
    }

    @Test
    void deletedKeyFallsBackToLowerOrdinalSource() {
        etcd.ctl().put("/config/application/fallback.value", "from-etcd");
        startApp();
        Settings settings = app.bean(Settings.class);
        assertThat(settings.fallback.get()).isEqualTo("from-etcd");

        etcd.ctl().del("/config/application/fallback.value");

        await().atMost(Duration.ofSeconds(5))
                .until(() -> settings.fallback.get().equals("from-microprofile-config-properties"));
        assertThat(EtcdConfigSource.of(app.config()).get(0).getPropertyNames()).doesNotContain("fallback.value");
    }

    @Test
    void laterPrefixOverridesEarlierOne() {
        etcd.ctl().put("/config/application/greeting", "shared");
        etcd.ctl().put("/config/orders/greeting", "specific");
        startApp("mp.app.name", "orders");
        assertThat(app.config().getValue("greeting", String.class)).isEqualTo("specific");

        etcd.ctl().del("/config/orders/greeting");
        await().atMost(Duration.ofSeconds(5)).until(() -> app.config().getValue("greeting", String.class).equals("shared"));

        etcd.ctl().put("/config/application/greeting", "shared v2");
        await().atMost(Duration.ofSeconds(5)).until(() -> app.config().getValue("greeting", String.class).equals("shared v2"));
    }

    @Test
    void explicitPrefixListIsReadInOrder() {
        etcd.ctl().put("/config/base/greeting", "base");
        etcd.ctl().put("/config/override/greeting", "override");
        etcd.ctl().put("/config/base/only.in.base", "yes");
        startApp("etcd.config.prefixes", "/config/base/,/config/override/");
        assertThat(app.config().getValue("greeting", String.class)).isEqualTo("override");
        assertThat(app.config().getValue("only.in.base", String.class)).isEqualTo("yes");
    }

    @Test
    void slashesInKeysBecomeDots() {
        etcd.ctl().put("/config/orders/db/pool/max", "7");
        etcd.ctl().put("/config/orders/http/client.timeout", "3s");
        startApp("mp.app.name", "orders");
        assertThat(app.config().getValue("db.pool.max", String.class)).isEqualTo("7");
        assertThat(app.config().getValue("http.client.timeout", String.class)).isEqualTo("3s");
    }

    @Test
    void keysOfOnePrefixThatMapToOneNameResolveToTheLatestWrite() {
        etcd.ctl().put("/config/application/db/pool.size", "1");
        etcd.ctl().put("/config/application/db.pool.size", "2");
        startApp();
        assertThat(app.config().getValue("db.pool.size", String.class)).isEqualTo("2");
        etcd.ctl().put("/config/application/db/pool.size", "3");
        await().atMost(Duration.ofSeconds(5)).until(() -> app.config().getValue("db.pool.size", String.class).equals("3"));
        etcd.ctl().del("/config/application/db/pool.size");
        await().atMost(Duration.ofSeconds(5)).until(() -> app.config().getValue("db.pool.size", String.class).equals("2"));
    }

    @Test
    void transactionChangingSeveralKeysBecomesVisibleAtOnce() throws Exception {
        etcd.ctl().put("/config/application/pair.left", "0");
        etcd.ctl().put("/config/application/pair.right", "0");
        startApp();
        EtcdConfigSource source = EtcdConfigSource.of(app.config()).get(0);
        List<String> torn = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        // the writer only ever moves both to the same new value. Each reader reads one key, then the other: with
        // an atomic apply the key read second is never older. One reader per order, so a non-atomic apply in
        // either order (etcd's: right, then left; or the reverse) is seen
        Threads.Helper leftFirst = Threads.daemon("torn-read-checker-left-first",
                () -> readPairs(source, "pair.left", "pair.right", stop, torn));
        Threads.Helper rightFirst = Threads.daemon("torn-read-checker-right-first",
                () -> readPairs(source, "pair.right", "pair.left", stop, torn));
        leftFirst.start();
        rightFirst.start();
        try (Client client = Client.builder().endpoints(etcd.clientUrls().toArray(String[]::new)).build()) {
            for (int i = 1; i <= 200; i++) {
                ByteSequence v = bytes(Integer.toString(i));
                client.getKVClient().txn()
                        .Then(Op.put(bytes("/config/application/pair.right"), v, PutOption.DEFAULT),
                              Op.put(bytes("/config/application/pair.left"), v, PutOption.DEFAULT))
                        .commit().get(5, TimeUnit.SECONDS);
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> "200".equals(source.getValue("pair.left")));
        stop.set(true);
        leftFirst.join(Duration.ofSeconds(5));
        rightFirst.join(Duration.ofSeconds(5));
        assertThat(torn).as("reads that saw one key of a transaction without the other").isEmpty();
        assertThat(source.getValue("pair.right")).isEqualTo("200");
    }

    private static void readPairs(EtcdConfigSource source, String first, String second, AtomicBoolean stop, List<String> torn) {
        while (!stop.get()) {
            String a = source.getValue(first);
            String b = source.getValue(second);
            if (Integer.parseInt(a) > Integer.parseInt(b)) {
                torn.add(first + "=" + a + " then " + second + "=" + b);
            }
        }
    }

    @Test
    void valueThatIsNotUtf8IsLeftOutAndOthersStay() throws Exception {
        etcd.ctl().put("/config/application/good", "fine");
        try (Client client = Client.builder().endpoints(etcd.clientUrls().toArray(String[]::new)).build()) {
            client.getKVClient().put(bytes("/config/application/bad"), ByteSequence.from(new byte[] {(byte) 0xc3, (byte) 0x28}))
                    .get(5, TimeUnit.SECONDS);
        }
        startApp();
        EtcdConfigSource source = EtcdConfigSource.of(app.config()).get(0);
        assertThat(source.getValue("good")).isEqualTo("fine");
        assertThat(source.getPropertyNames()).doesNotContain("bad");
    }

    @Test
    void nameShowsEndpointsAndPrefixesAndOrdinalIsConfigurable() {
        startApp("mp.app.name", "orders", "etcd.config.ordinal", "275");
        EtcdConfigSource source = EtcdConfigSource.of(app.config()).get(0);
        assertThat(source.getName()).isEqualTo("etcd[endpoints=" + etcd.endpoints()
                + ", prefixes=[/config/application/, /config/orders/]]");
        assertThat(source.getOrdinal()).isEqualTo(275);
    }

    @Test
    void disabledSourceIsNotAdded() {
        etcd.ctl().put("/config/application/greeting", "hello");
        startApp("etcd.config.enabled", "false");
        assertThat(EtcdConfigSource.of(app.config())).isEmpty();
        assertThat(app.config().getOptionalValue("greeting", String.class)).isEmpty();
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
