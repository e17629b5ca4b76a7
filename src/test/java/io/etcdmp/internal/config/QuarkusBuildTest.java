package io.etcdmp.internal.config;

import io.quarkus.deployment.FakeAugmentation;
import io.quarkus.runner.ApplicationImpl;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** During a Quarkus build the config source provider gives no source and never contacts etcd. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QuarkusBuildTest {
    @AfterEach
    void clearSettings() {
        System.clearProperty("etcd.endpoints");
        System.clearProperty(ConfigSourceSettings.START_TIMEOUT);
    }

    @Test
    void providerCalledDuringAQuarkusBuildReturnsNoSourceAtOnceAndNeverConnectsToTheEndpoint() throws IOException {
        try (ServerSocket endpoint = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // an endpoint that accepts connections but never answers: a source that started would wait here 20 s and fail
            System.setProperty("etcd.endpoints", "http://127.0.0.1:" + endpoint.getLocalPort());
            System.setProperty(ConfigSourceSettings.START_TIMEOUT, "20s");
            long start = System.nanoTime();
            Iterable<ConfigSource> sources = FakeAugmentation.run(
                    () -> new EtcdConfigSourceProvider().getConfigSources(getClass().getClassLoader()));
            assertThat(sources).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            endpoint.setSoTimeout(500);
            assertThatThrownBy(endpoint::accept).as("no connection to the etcd endpoint")
                    .isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void onlyTheBuildCountsNotTheStartOfABuiltApplicationNorAPlainCall() {
        assertThat(FakeAugmentation.run(QuarkusBuild::isRunning)).as("build").isTrue();
        assertThat(FakeAugmentation.run(() -> ApplicationImpl.start(QuarkusBuild::isRunning)))
                .as("application started under the build's classes (dev mode)").isFalse();
        assertThat(ApplicationImpl.start(QuarkusBuild::isRunning)).as("built application").isFalse();
        assertThat(QuarkusBuild.isRunning()).as("any other runtime").isFalse();
    }
}
