package io.etcdmp.internal.client;

import io.etcdmp.EtcdMicroprofileException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A password in an endpoint URL is never echoed (issue 20, defect 6), whatever else is wrong with the URL. */
@Tag("unit")
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EndpointSecretsTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "http://root:S3cret@etcd.local",            // no port: reported before the user info was looked at
        "http://root:S3cret@etcd.local:2379",       // well formed, with credentials
        "ftp://root:S3cret@etcd.local:2379",        // wrong scheme
        "root:S3cret@etcd.local:2379",              // no scheme
        "http://root:S3cret@etcd local:2379",       // not a URI at all
        "http://root:S3c/ret@etcd.local:2379",      // a slash in the password
        "http://root:S3cret@[::1:2379",             // a broken IPv6 literal
        "http://root:S3cret@etcd.local:2379/a@b",   // an @ after the host too
        "http:r:S3cret@@[:1]://",                   // found by SettingsFuzzTest: the only "://" after the @
    })
    void aMalformedEndpointWithUserInfoIsReportedWithoutThePasswordButWithTheSettingAndTheHost(String endpoint) {
        Throwable thrown = catchThrowable(() -> EtcdSettings.from(name -> Optional.ofNullable(
                Map.of(EtcdSettings.ENDPOINTS, "http://127.0.0.1:2379," + endpoint).get(name))));
        assertThat(thrown).isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining(EtcdSettings.ENDPOINTS);
        assertThat(thrown.getMessage()).doesNotContain("S3c").doesNotContain("ret@").doesNotContain("root");
        assertThat(String.valueOf(thrown.getCause())).doesNotContain("S3c");
    }

    @Test
    void aMalformedEndpointWithoutUserInfoIsEchoedAsWritten() {
        Throwable thrown = catchThrowable(() -> EtcdSettings.builder().endpoints("http://etcd.local"));
        assertThat(thrown).hasMessageContaining("'http://etcd.local'").hasMessageContaining("port");
    }

    @Test
    void theBuilderRedactsToo() {
        Throwable thrown = catchThrowable(() -> EtcdSettings.builder().endpoints("http://root:S3cret@etcd.local"));
        assertThat(thrown).isInstanceOf(EtcdMicroprofileException.class).hasMessageNotContaining("S3cret")
                .hasMessageContaining("etcd.local");
    }
}
