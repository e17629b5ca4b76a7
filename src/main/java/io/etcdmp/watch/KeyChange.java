package io.etcdmp.watch;

import io.etcd.jetcd.ByteSequence;

/**
 * One key's change as a {@link PrefixMirror} applies it: a put ({@code value} present) or a delete
 * ({@code value == null}), at the key's modification revision (the delete's revision for a delete).
 */
public record KeyChange(ByteSequence key, ByteSequence value, long modRevision) {
    public boolean isDelete() {
        return value == null;
    }
}
