package io.etcdmp.config;

import io.etcdmp.internal.config.PrefixConfigSource;
import io.etcdmp.support.EtcdMetrics;
import io.etcdmp.testing.EtcdCluster;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Open Liberty with MicroProfile Fault Tolerance builds two Configs per application, so the provider was asked
 * twice: every prefix read and watched twice (5 watchers on etcd instead of 3). Configs of one class loader
 * built with the same settings share one source: one read and one watch per prefix, counted by etcd itself.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SharedSourceTest {
    private static EtcdCluster etcd;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdCluster.start();
    }

    @AfterAll
    static void stopEtcd() {
        etcd.close();
        System.clearProperty("etcd.endpoints");
        System.clearProperty("mp.app.name");
        System.clearProperty("etcd.config.ordinal");
    }

    private static SmallRyeConfig build(ClassLoader loader) {
        return new SmallRyeConfigBuilder().forClassLoader(loader).addDefaultSources().addDiscoveredSources().build();
    }

    private static PrefixConfigSource source(SmallRyeConfig config) {
        List<PrefixConfigSource> sources = PrefixConfigSource.of(config);
        assertThat(sources).hasSize(1);
        return sources.get(0);
    }

    @Test
    void twoConfigsWithTheSameSettingsShareOneReadAndOneWatchPerPrefixAndClosingOneKeepsTheOtherLive() throws Exception {
        System.setProperty("etcd.endpoints", etcd.endpoints());
        System.setProperty("mp.app.name", "orders"); // two prefixes: /config/application/, /config/orders/
        etcd.ctl().put("/config/orders/color", "red");
        EtcdMetrics metrics = new EtcdMetrics(etcd.clientUrls().get(0));
        try (URLClassLoader loader = new URLClassLoader(new URL[0], SharedSourceTest.class.getClassLoader())) {
            long rangesBefore = metrics.ranges();
            SmallRyeConfig first = build(loader);
            PrefixConfigSource firstSource = source(first);
            await().atMost(Duration.ofSeconds(10)).until(firstSource::isLive);
            long readsOfOne = metrics.ranges() - rangesBefore;
            assertThat(readsOfOne).as("reads for one Config").isPositive();
            assertThat(metrics.watchers()).as("watchers for one Config").isEqualTo(2);

            long rangesBetween = metrics.ranges();
            SmallRyeConfig second = build(loader);
            PrefixConfigSource secondSource = source(second);
            await().atMost(Duration.ofSeconds(10)).until(secondSource::isLive);
            assertThat(metrics.ranges() - rangesBetween).as("reads etcd served for the second Config").isZero();
            assertThat(metrics.watchers()).as("watchers on etcd with two Configs").isEqualTo(2);
            assertThat(second.getValue("color", String.class)).isEqualTo("red");

            firstSource.close();
            assertThat(secondSource.isLive()).as("the second Config's source after the first Config's was closed").isTrue();
            etcd.ctl().put("/config/orders/color", "blue");
            await().atMost(Duration.ofSeconds(5)).until(() -> "blue".equals(second.getValue("color", String.class)));

            secondSource.close();
            assertThat(secondSource.isClosed()).as("closed with the last Config holding it").isTrue();
            await("every watch gone from etcd").atMost(Duration.ofSeconds(10)).until(() -> metrics.watchers() == 0);
        }
    }

    @Test
    void configsWithOtherSettingsGetTheirOwnSourceAndConfigsForAnotherClassLoaderOfTheSameLibraryShareIt() throws Exception {
        System.setProperty("etcd.endpoints", etcd.endpoints());
        System.clearProperty("mp.app.name");
        try (URLClassLoader loader = new URLClassLoader(new URL[0], SharedSourceTest.class.getClassLoader());
             URLClassLoader other = new URLClassLoader(new URL[0], SharedSourceTest.class.getClassLoader())) {
            PrefixConfigSource plain = source(build(loader));
            PrefixConfigSource otherLoader = source(build(other));
            System.setProperty("etcd.config.ordinal", "275");
            PrefixConfigSource otherOrdinal = source(build(loader));
            System.clearProperty("etcd.config.ordinal");
            try {
                // Open Liberty with Fault Tolerance: a second Config for another class loader of the same application
                assertThat(otherLoader).isSameAs(plain);
                assertThat(otherOrdinal).isNotSameAs(plain);
                assertThat(otherOrdinal.getOrdinal()).isEqualTo(275);
            } finally {
                plain.close();
                otherLoader.close();
                otherOrdinal.close();
            }
            assertThat(plain.isClosed() && otherOrdinal.isClosed()).isTrue();
        }
    }
}
