package io.etcdmp.restclient;

import io.etcdmp.support.CdiApp;
import io.etcdmp.testing.SharedEtcd;
import jakarta.enterprise.inject.spi.InterceptionType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.annotation.Annotation;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Review: discovery also finds the interceptor (a shaded jar, discovery all) while the extension adds it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EjectingInterceptorDiscoveredTwiceTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    @Test
    void theInterceptorIsEnabledOnceWhenDiscoveryAlsoFindsIt() {
        try (CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints()), EjectingInterceptor.class)) {
            Annotation binding = new ServiceNameFilter.EjectOnConnectFailure() {
                @Override
                public Class<? extends Annotation> annotationType() {
                    return ServiceNameFilter.EjectOnConnectFailure.class;
                }
            };
            assertThat(app.container().getBeanManager().resolveInterceptors(InterceptionType.AROUND_INVOKE, binding))
                    .hasSize(1);
        }
    }
}
