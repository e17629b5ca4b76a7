package io.etcdmp.cli.core;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Txn;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import io.etcdmp.cli.core.ChangeRecords.Author;
import io.etcdmp.cli.core.ChangeRecords.KeyOp;
import io.etcdmp.cli.core.Plan.Change;
import io.etcdmp.internal.cli.ToolConnection;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Applies a {@link Plan} in one etcd transaction: each changed key is compared with the modification revision
 * the plan saw (0: absent, for keys it creates), the change record's key with absence; then only the changed
 * keys are written, with the change record. A key changed since the plan fails the compare: nothing is written
 * and the conflicting keys are listed with who changed them when a change record says so.
 */
public final class Applier {
    /** etcd's default {@code --max-txn-ops}. */
    public static final int DEFAULT_MAX_TXN_OPS = 128;
    /** etcd's default {@code --max-request-bytes} (1.5 MiB). */
    public static final long DEFAULT_MAX_REQUEST_BYTES = 1536 * 1024;
    /** Bytes a request spends per operation beyond its key and value (protobuf framing, compare fields). */
    static final int OP_OVERHEAD = 32;

    private Applier() {
    }

    public record Options(int maxTxnOps, long maxRequestBytes, boolean allowSplit, String changesPrefix, String command) {
    }

    /** A key that changed after the plan read it, and who changed it when a change record says so. */
    public record Conflict(String key, long planned, long now, String who) {
    }

    public enum Outcome { NOTHING_TO_DO, APPLIED, CONFLICT, TOO_LARGE }

    /** What happened; {@code revisions}: one per transaction written (several only with {@code --allow-split}). */
    public record Result(Outcome outcome, List<Long> revisions, List<String> recordKeys, List<Conflict> conflicts,
                         String message) {
    }

    public static Result apply(ToolConnection etcd, Plan plan, Author author, Options options) {
        List<Change> changes = plan.changes();
        if (changes.isEmpty()) {
            return new Result(Outcome.NOTHING_TO_DO, List.of(), List.of(), List.of(), "No changes: nothing written");
        }
        for (Change c : changes) {
            if (bytes(c) > options.maxRequestBytes() - 4096) {
                return new Result(Outcome.TOO_LARGE, List.of(), List.of(), List.of(), "Key " + c.key() + " needs about "
                        + bytes(c) + " bytes, over --max-request-bytes " + options.maxRequestBytes() + " (etcd's "
                        + "--max-request-bytes, 1.5 MiB by default) with its change record: nothing written");
            }
        }
        List<List<Change>> chunks = chunks(changes, options);
        if (chunks.size() > 1 && !options.allowSplit()) {
            long bytes = changes.stream().mapToLong(Applier::bytes).sum();
            return new Result(Outcome.TOO_LARGE, List.of(), List.of(), List.of(), "The change is too large for one etcd "
                    + "transaction: " + changes.size() + " keys need " + (changes.size() + 1) + " operations and about "
                    + bytes + " bytes, over --max-txn-ops " + options.maxTxnOps() + " (etcd's limit; each key also needs a "
                    + "compare, and the change record one more) or --max-request-bytes " + options.maxRequestBytes()
                    + ". Nothing written. Raise etcd's --max-txn-ops/--max-request-bytes and these options, or give "
                    + "--allow-split to apply in " + chunks.size() + " transactions (no longer atomic)");
        }
        List<Long> revisions = new ArrayList<>();
        List<String> records = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            String part = (i + 1) + "/" + chunks.size();
            Instant now = Instant.now();
            String recordKey = ChangeRecords.newKey(options.changesPrefix(), now);
            List<KeyOp> ops = chunks.get(i).stream().map(c -> new KeyOp(c.key(), c.after() == null ? "delete" : "put")).toList();
            String record = ChangeRecords.json(now, author, options.command(), part, ops);
            TxnResponse response;
            try {
                response = commit(etcd, chunks.get(i), recordKey, record);
            } catch (RuntimeException e) {
                if (i == 0) {
                    throw e;
                }
                throw new IllegalStateException(e.getMessage() + ". Part " + (i == 1 ? "1" : "s 1 to " + i) + " of "
                        + chunks.size() + " " + (i == 1 ? "was" : "were") + " written (revisions " + revisions
                        + ", change records " + records + "), part " + (i + 1) + " and later not: the change is applied "
                        + "in part, not atomic (--allow-split). Plan again to see what is left", e);
            }
            if (!response.isSucceeded()) {
                List<Conflict> conflicts = conflicts(etcd, plan, chunks.get(i), options.changesPrefix());
                String done = i == 0 ? "nothing written" : "parts 1 to " + i + " of " + chunks.size()
                        + " were written (revisions " + revisions + "), the rest not";
                return new Result(Outcome.CONFLICT, revisions, records, conflicts, "Keys changed in etcd since the plan "
                        + "was made at revision " + plan.revision() + ": " + done + ". Plan again and review");
            }
            revisions.add(response.getHeader().getRevision());
            records.add(recordKey);
        }
        return new Result(Outcome.APPLIED, revisions, records, List.of(), "Applied " + Counted.of(changes.size(), "change", "changes")
                + (chunks.size() > 1 ? " in " + chunks.size() + " transactions (not atomic: --allow-split)" : " in one transaction")
                + " at revision " + revisions.get(revisions.size() - 1));
    }

    private static TxnResponse commit(ToolConnection etcd, List<Change> chunk, String recordKey, String record) {
        List<Cmp> compares = new ArrayList<>();
        List<Op> writes = new ArrayList<>();
        for (Change c : chunk) {
            ByteSequence key = bytes(c.key());
            compares.add(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(c.modRevision())));
            writes.add(c.after() == null ? Op.delete(key, DeleteOption.DEFAULT)
                    : Op.put(key, ByteSequence.from(c.after()), PutOption.DEFAULT));
        }
        compares.add(new Cmp(bytes(recordKey), Cmp.Op.EQUAL, CmpTarget.version(0)));
        writes.add(Op.put(bytes(recordKey), ByteSequence.from(record, StandardCharsets.UTF_8), PutOption.DEFAULT));
        Txn txn = etcd.client().getKVClient().txn().If(compares.toArray(Cmp[]::new)).Then(writes.toArray(Op[]::new));
        try {
            return txn.commit().get(etcd.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw etcd.failure("write", keys(chunk), e);
        } catch (Exception e) {
            throw etcd.failure("write", keys(chunk), e);
        }
    }

    /** "key" or "key and 2 more keys" for a failure's message. */
    private static String keys(List<Change> chunk) {
        return chunk.get(0).key() + (chunk.size() == 1 ? "" : " and " + Counted.of(chunk.size() - 1, "more key", "more keys"));
    }

    /** The keys of {@code chunk} whose modification revision is no longer the planned one, with who changed them. */
    private static List<Conflict> conflicts(ToolConnection etcd, Plan plan, List<Change> chunk, String changesPrefix) {
        EtcdState now = EtcdState.read(etcd, plan.prefixes().isEmpty() ? List.of("/") : plan.prefixes());
        Map<Long, ChangeRecords.Record> byRevision = new HashMap<>();
        try {
            ChangeRecords.list(etcd, changesPrefix).forEach(r -> byRevision.putIfAbsent(r.revision(), r));
        } catch (RuntimeException e) {
            // who changed it stays unknown (no read permission on the records): the conflict itself is still reported
        }
        List<Conflict> out = new ArrayList<>();
        for (Change c : chunk) {
            EtcdState.Current current = now.keys().get(c.key());
            long revision = current == null ? 0 : current.modRevision();
            if (revision != c.modRevision()) {
                ChangeRecords.Record r = byRevision.get(revision);
                String who = revision == 0 ? "deleted (no change record tells by whom)" : r != null ? r.who()
                        : "written at revision " + revision + " outside etcdmp (no change record)";
                out.add(new Conflict(c.key(), c.modRevision(), revision, who));
            }
        }
        return out;
    }

    /** The changes in transactions that etcd accepts: at most maxTxnOps - 1 keys (the record needs one) and the byte limit. */
    static List<List<Change>> chunks(List<Change> changes, Options options) {
        int perTxn = Math.max(1, options.maxTxnOps() - 1);
        long budget = options.maxRequestBytes() - 4096; // the change record and the request's own framing
        List<List<Change>> out = new ArrayList<>();
        List<Change> current = new ArrayList<>();
        long bytes = 0;
        for (Change c : changes) {
            long b = bytes(c);
            if (!current.isEmpty() && (current.size() >= perTxn || bytes + b > budget)) {
                out.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(c);
            bytes += b;
        }
        out.add(current);
        return out;
    }

    /** The recorded keys take about {@code 100 + 40 * keys} bytes more: counted in the 4 KiB reserve up to ~100 keys. */
    static long bytes(Change c) {
        int key = c.key().getBytes(StandardCharsets.UTF_8).length;
        return 2L * key + (c.after() == null ? 0 : c.after().length) + OP_OVERHEAD + key + 20; // compare, op, record entry
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
