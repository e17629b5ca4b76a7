package io.etcdmp.internal.registry;

import io.etcd.jetcd.ByteSequence;

import java.util.Objects;

/** The record as last written: the keeper's generation then, its lease, value and revision. */
record Written(int generation, long lease, ByteSequence value, long revision) {
    @Override
    public boolean equals(Object other) {
        return other == this || other instanceof Written that
                && generation == that.generation
                && lease == that.lease
                && Objects.equals(value, that.value)
                && revision == that.revision;
    }

    @Override
    public int hashCode() {
        return Objects.hash(generation, lease, value, revision);
    }

    @Override
    public String toString() {
        return "Written[generation=" + generation
                + ", lease=" + lease
                + ", value=" + String.valueOf(value)
                + ", revision=" + revision + "]";
    }
}
