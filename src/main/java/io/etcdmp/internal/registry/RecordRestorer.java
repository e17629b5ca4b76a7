package io.etcdmp.internal.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdFailures;

import java.lang.System.Logger.Level;

/**
 * Writes one registration's record back under the same lease when the {@link RecordGuard} saw it deleted
 * after the registration's last write (by hand, or by a tool clearing the prefix) while its lease lives;
 * a record now held by another instance is left to it, and a lease found gone is a lost lease.
 */
final class RecordRestorer implements RecordGuard.Guarded {
    private static final System.Logger LOG = System.getLogger(RecordRestorer.class.getName());

    private final RecordKeeper keeper;
    private final EtcdConnection connection;
    private final RecordClaim claim;
    private final SharedLease lease;
    private final RecordDrain drain;
    private final Object lock = new Object();
    /** The newest revision at which the guard saw the record gone. */
    private long goneAt;
    private boolean restoring;
    private volatile int restorations;

    RecordRestorer(RecordKeeper keeper, EtcdConnection connection, RecordClaim claim, SharedLease lease) {
        this.keeper = keeper;
        this.connection = connection;
        this.claim = claim;
        this.lease = lease;
        this.drain = new RecordDrain(keeper, claim);
    }

    @Override
    public String key() {
        return keeper.key();
    }

    @Override
    public String service() {
        return keeper.instance().service();
    }

    int restorations() {
        return restorations;
    }

    /** The keeper wrote the record at {@code revision}: a delete the guard reported since is restored now. */
    void claimed(long revision) {
        long gone;
        synchronized (lock) {
            gone = goneAt;
        }
        if (gone > revision) {
            recordGone(gone);
        }
    }

    /** A delete after the keeper's last write is somebody else's doing: write the record again (on a worker thread). */
    @Override
    public void recordGone(long revision) {
        synchronized (lock) {
            goneAt = Math.max(goneAt, revision);
            if (restoring) {
                return; // the restore under way checks goneAt again when it ends
            }
        }
        Written written = keeper.written();
        if (written == null || revision <= written.revision()) {
            return; // closed, a lost lease being replaced, or the delete of an older write
        }
        synchronized (lock) {
            if (restoring) {
                return;
            }
            restoring = true;
        }
        if (!EtcdConnection.unlessClosing(LOG, "Not restoring " + key(),
                () -> connection.runBlocking(() -> restore(written, revision), 0))) {
            synchronized (lock) {
                restoring = false;
            }
        }
    }

    private void restore(Written written, long deletedAt) {
        long revision;
        // while draining, the record written back says DRAINING whether or not the drain's own write happened
        boolean draining = keeper.isDraining();
        ByteSequence value = draining ? claim.record(keeper.published()) : written.value();
        try {
            revision = claim.claim(value, written.lease(), written.value());
        } catch (Exception e) {
            synchronized (lock) {
                restoring = false;
            }
            failed(written, e);
            return;
        }
        boolean open = keeper.restored(written, value, revision);
        long gone;
        synchronized (lock) {
            restoring = false;
            gone = goneAt;
        }
        if (!open) {
            keeper.removal().deleteQuietly(value, written.lease(), "restored while closing");
            return;
        }
        restorations++;
        LOG.log(Level.WARNING, "Record {0} was deleted at revision {1} while its lease {2} lives; written again",
                key(), deletedAt, SharedLease.hex(written.lease()));
        if (!draining && keeper.isDraining()) { // the drain began while this write was sent: it found no record then
            drain.after("a write-back sent before the drain began");
        }
        if (gone > revision) {
            recordGone(gone);
        }
    }

    private void failed(Written written, Exception e) {
        long id = written.lease();
        if (e instanceof RecordClaim.DuplicateInstanceException) {
            LOG.log(Level.INFO, "Record {0} was deleted and is now held by another instance: {1}", key(), e.getMessage());
        } else if (RecordClaim.isNotFound(e)) {
            lease.lost(id, "record " + key() + " deleted and the lease not found: revoked or expired");
            keeper.leaseLost(id, "record deleted and lease not found");
        } else {
            LOG.log(Level.WARNING, "Record {0} was deleted while its lease lives; writing it again failed ({1}), "
                    + "registering again", key(), EtcdFailures.describe(e));
            keeper.leaseLost(id, "record deleted and could not be written again");
        }
    }
}
