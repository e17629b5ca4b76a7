package io.etcdmp.internal.watch;

import io.etcd.jetcd.ByteSequence;

import java.util.Objects;

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

    @Override
    public boolean equals(Object other) {
        return other == this || other instanceof KeyChange that
                && Objects.equals(key, that.key)
                && Objects.equals(value, that.value)
                && modRevision == that.modRevision
                && version == that.version;
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, value, modRevision, version);
    }

    @Override
    public String toString() {
        return "KeyChange[key=" + String.valueOf(key)
                + ", value=" + String.valueOf(value)
                + ", modRevision=" + modRevision
                + ", version=" + version + "]";
    }
}
