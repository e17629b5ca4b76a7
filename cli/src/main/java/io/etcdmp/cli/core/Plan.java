package io.etcdmp.cli.core;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What {@code apply} would do, computed against etcd at {@link #revision}: the changed keys only, each with
 * the modification revision it had then (0: absent), which {@code apply} requires it still has.
 *
 * @param kept keys under the prefixes that the folder does not define and that stay (no {@code --prune})
 */
public record Plan(long revision, String dir, List<String> prefixes, boolean prune, List<Change> changes,
                   int unchanged, List<String> kept) {
    public enum Op { ADD, CHANGE, DELETE }

    /** One key to write or delete; {@code before}/{@code after} are null where there is none. */
    public record Change(Op op, String key, byte[] before, byte[] after, long modRevision, boolean document) {
        /** SHA-256 of the value written (hex), or "" for a delete: what a saved plan keeps instead of values. */
        public String afterDigest() {
            return after == null ? "" : digest(after);
        }
    }

    public boolean hasChanges() {
        return !changes.isEmpty();
    }

    public long count(Op op) {
        return changes.stream().filter(c -> c.op() == op).count();
    }

    static String digest(byte[] bytes) {
        try { // a copy of one instance: getInstance looks the algorithm up among the security providers each time
            return HexFormat.of().formatHex(((MessageDigest) SHA_256.clone()).digest(bytes));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final MessageDigest SHA_256 = sha256();

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
