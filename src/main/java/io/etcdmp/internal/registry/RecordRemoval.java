package io.etcdmp.internal.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdFailures;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Deletes one registration's record when it ends ({@link RecordClaim#deleteIf}); after a failure, again in the
 * background until etcd answers, since the shared lease may live on, and the record with it. When the whole registry
 * closes, its lease revoke removes the records under it, and {@link #closeAll} deletes those an operator left under no
 * lease at the instances' addresses ({@link RecordClaim#isOurs}).
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
            boolean deleted = claim.deleteIf(value, leaseId, true);
            LOG.log(Level.DEBUG, "Record {0} {1} ({2})", key, deleted ? "deleted" : "not ours any more, left", why);
        } catch (Exception e) { // tried again until etcd answers: the shared lease may live on, and the record with it;
            // not a record under no lease by then: that one is an operator's put after the close
            LOG.log(Level.WARNING, "Deleting record " + key + " (" + why + ") failed (" + EtcdFailures.describe(e) + "); trying again");
            new RetrySchedule(connection, ttlSeconds, "Deleting record " + key, () -> claim.deleteIf(value, leaseId, false), claim::explain)
                    .afterFailure();
        }
    }

    /**
     * The registry closes: closes {@code keepers} without deleting their records (the lease revoke that follows removes
     * them all at once), deletes each one's record left under no lease at its address ({@link RecordClaim#deleteLeaseless}),
     * and waits for those deletes, at most the request timeout; a failure is logged, naming the key.
     */
    static void closeAll(EtcdConnection connection, List<RecordKeeper> keepers) {
        List<CompletableFuture<Boolean>> deletes = new ArrayList<>();
        for (RecordKeeper keeper : keepers) {
            keeper.close(false);
            deletes.add(keeper.removal().deleteLeaseless());
        }
        try {
            CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new))
                    .get(connection.settings().requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.log(Level.WARNING, "Closing the service registry: deleting the records left under no lease took longer than "
                    + connection.settings().requestTimeout().toMillis() + " ms; those not deleted yet may stay");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) { // not thrown: each delete logs its own failure
            LOG.log(Level.DEBUG, "Closing the service registry: deleting the records left under no lease failed", e);
        }
    }

    private CompletableFuture<Boolean> deleteLeaseless() {
        CompletableFuture<Boolean> delete;
        try {
            delete = claim.deleteLeaseless();
        } catch (RuntimeException e) { // the connection closed already
            delete = CompletableFuture.failedFuture(e);
        }
        return delete.handle((deleted, e) -> { // never fails: closeAll waits for every delete
            if (e != null) {
                LOG.log(Level.WARNING, "Closing the service registry: deleting record " + key + " (left under no lease at "
                        + "this instance's address) failed (" + EtcdFailures.describe(e) + "); it stays until deleted by hand");
                return false;
            }
            if (deleted) {
                LOG.log(Level.DEBUG, "Record {0} (under no lease at this instance''s address) deleted: the registry closed", key);
            }
            return deleted;
        });
    }
}
