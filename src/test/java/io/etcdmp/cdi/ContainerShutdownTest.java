package io.etcdmp.cdi;

import io.etcdmp.config.EtcdConfigSource;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.support.CdiApp;
import io.etcdmp.testing.SharedEtcd;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What the container's shutdown must end, whatever the runtime answers at that moment. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ContainerShutdownTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd();

    /**
     * Open Liberty, on undeploy, answers {@code ConfigProvider.getConfig()} with a Config that is not the
     * application's; the etcd config source (its watches, its connection, jetcd's and Vert.x's threads)
     * must be closed all the same.
     */
    @Test
    void shutdownClosesTheConfigSourceEvenWhenGetConfigThenAnswersAnotherConfig() throws Exception {
        ClassLoader appLoader = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader elsewhere = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader());
             CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints()))) {
            List<EtcdConfigSource> sources = EtcdConfigSource.of(app.config());
            assertThat(sources).hasSize(1);
            assertThat(sources.get(0).isLive()).isTrue();
            Thread.currentThread().setContextClassLoader(elsewhere);
            try {
                app.container().shutdown();
                ConfigProviderResolver resolver = ConfigProviderResolver.instance();
                resolver.releaseConfig(resolver.getConfig(elsewhere));
            } finally {
                Thread.currentThread().setContextClassLoader(appLoader);
            }
            assertThat(sources.get(0).isLive()).as("watches stopped").isFalse();
            assertThat(EtcdConnections.openCount()).as("connections left open").isZero();
        }
    }
}
