package io.etcdmp.internal.client;

import io.etcdmp.EtcdMicroprofileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Review finding: an endpoint written without a scheme with credentials in it ({@code user:pass@host:port}, the form the
 * schemeless reading invites) whose password holds {@code ://} is echoed up to that {@code ://}: the user and part of
 * the password end up in the message (withoutUserInfo takes the password's {@code ://} for the scheme's).
 */
@Timeout(30)
class EndpointPasswordNotShownReviewTest {
    /** A password with a comma is split over two entries of the list: what follows its '@' in the first is password too. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "http://root:p@ssw0rd,x@etcd:2379",  // the first entry 'http://root:p@ssw0rd' shown as 'http://***@ssw0rd'
        "root:p@ssw0rd,word@etcd:2379",      // without a scheme: '***@ssw0rd'
        "root:s3cret://a,b@etcd:2379",       // the first entry has no '@': its 'scheme' root:s3cret:// was shown
    })
    void aPasswordSplitAtItsCommaShowsNoPartOfItInAnyEntry(String endpoints) {
        assertThatThrownBy(() -> EtcdSettings.from(name -> Optional.ofNullable(Map.of("etcd.endpoints", endpoints).get(name))))
                .isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining("etcd.endpoints")
                .message().doesNotContain("ssw0rd").doesNotContain("s3cret").doesNotContain("root");
    }

    @Test
    void aSchemelessEndpointWhosePasswordHoldsSchemeSeparatorShowsNoPartOfThePassword() {
        String endpoint = "root:pw1://tail9@127.0.0.1:2379";

        assertThatThrownBy(() -> EtcdSettings.from(name -> Optional.ofNullable(Map.of("etcd.endpoints", endpoint).get(name))))
                .isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining("etcd.endpoints")
                .message().doesNotContain("pw1").doesNotContain("tail9");
    }
}
