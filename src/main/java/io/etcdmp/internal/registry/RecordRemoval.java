package io.etcdmp.internal.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdFailures;

import java.lang.System.Logger.Level;

/**
 * Deletes one registration's record when it ends ({@link RecordClaim#deleteIf}); after a failure, again in the
 * background until etcd answers, since the shared lease may live on, and the record with it.
 */
final class RecordRemoval {
    private static final System.Logger LOG = System.getLogger(RecordRemoval.class.getName());

    private final EtcdConnection connection;
    private final RecordClaim claim;
    private final String key;
    private final long ttlSeconds;

    RecordRemoval(EtcdConnection connection, RecordClaim claim, String key, long ttlSeconds) {
        this.connection = connection;
        this.claim = claim;
        this.key = key;
        this.ttlSeconds = ttlSeconds;
    }

    /** Deletes the record if still {@code value} or ours under {@code leaseId} ({@link RecordClaim#deleteIf}); after a failure, retried. */
    void deleteQuietly(ByteSequence value, long leaseId, String why) {
        try {
            boolean deleted = claim.deleteIf(value, leaseId);
            LOG.log(Level.DEBUG, "Record {0} {1} ({2})", key, deleted ? "deleted" : "not ours any more, left", why);
        } catch (Exception e) { // tried again until etcd answers: the shared lease may live on, and the record with it
            LOG.log(Level.WARNING, "Deleting record " + key + " (" + why + ") failed (" + EtcdFailures.describe(e) + "); trying again");
            new RetrySchedule(connection, ttlSeconds, "Deleting record " + key, () -> claim.deleteIf(value, leaseId), claim::explain)
                    .afterFailure();
        }
    }
}
