package io.etcdmp.internal.watch;

import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Why a watch ended, as counted in {@code etcd.watch.restarts}: etcd's OUT_OF_RANGE is told apart by its message. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WatchRestartsTest {
    @Test
    void aCompactedRevisionIsCountedAsCompactedWhetherJetcdOrGrpcReportsIt() {
        assertThat(WatchRestarts.reason(EtcdExceptionFactory.newCompactedException(42))).isEqualTo("compacted");
        assertThat(WatchRestarts.reason(new CompletionException(Status.OUT_OF_RANGE
                .withDescription("etcdserver: mvcc: required revision has been compacted").asRuntimeException())))
                .isEqualTo("compacted");
    }

    @Test
    void aFutureRevisionIsNotCountedAsCompactedThoughEtcdAnswersItWithTheSameOutOfRange() {
        assertThat(WatchRestarts.reason(new CompletionException(Status.OUT_OF_RANGE
                .withDescription("etcdserver: mvcc: required revision is a future revision").asRuntimeException())))
                .isEqualTo("error");
    }
}
