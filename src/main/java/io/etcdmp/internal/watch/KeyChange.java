package io.etcdmp.internal.watch;

import io.etcd.jetcd.ByteSequence;

/**
 * One key's change as a {@link PrefixMirror} applies it: a put ({@code value} present) or a delete
 * ({@code value == null}), at the key's modification revision (the delete's revision for a delete).
 * {@code version} is etcd's count of writes to the key since it was created: 1 for the put that
 * created it, 0 for a delete or when not known.
 */
public record KeyChange(ByteSequence key, ByteSequence value, long modRevision, long version) {
    public KeyChange(ByteSequence key, ByteSequence value, long modRevision) {
        this(key, value, modRevision, 0);
    }

    public boolean isDelete() {
        return value == null;
    }

    /** True for the put that created the key (its first version since it last did not exist). */
    public boolean isCreation() {
        return version == 1;
    }
}
