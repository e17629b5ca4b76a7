package io.etcdmp.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The values one config key had, newest first, as far back as etcd still keeps them
 * ({@link ConfigStore#history}). etcd stores no time with a revision, so entries carry revisions, not
 * times. {@link #end()} says why the list stops where it does.
 *
 * @param name    the property name
 * @param entries newest first; the first is the current value (none when the key holds no value now)
 * @param end     why there are no older entries
 * @param compactedRevision with {@link End#COMPACTED}: etcd's compaction revision; revisions before it are gone
 */
public record ConfigHistory(String name, List<Entry> entries, End end, long compactedRevision) {
    public ConfigHistory {
        entries = List.copyOf(entries);
    }

    /** Why the walk back stopped. */
    public enum End {
        /** The oldest entry is the value the key was created with: the list is complete since its last creation. */
        CREATED,
        /** etcd compacted the older revisions: values before {@link #compactedRevision()} are gone. */
        COMPACTED,
        /** The key holds no value now (never written, or deleted); a deleted key's past values are not listed. */
        ABSENT,
        /** The walk stopped at the number of entries asked for. */
        LIMIT
    }

    /**
     * One value of the key.
     *
     * @param modRevision the revision that wrote it (pass it to {@link ConfigStore#rollback})
     * @param version     the key's version then (1 = the write that created it)
     * @param value       the value; empty when it is not valid UTF-8
     */
    public record Entry(long modRevision, long version, Optional<String> value) {
        @Override
        public boolean equals(Object other) {
            return other == this || other instanceof Entry that
                    && modRevision == that.modRevision
                    && version == that.version
                    && Objects.equals(value, that.value);
        }

        @Override
        public int hashCode() {
            return Objects.hash(modRevision, version, value);
        }

        @Override
        public String toString() {
            return "Entry[modRevision=" + modRevision + ", version=" + version + ", value=" + value + "]";
        }
    }

    /** True when nothing since the key's creation is missing. */
    public boolean complete() {
        return end == End.CREATED;
    }

    @Override
    public boolean equals(Object other) {
        return other == this || other instanceof ConfigHistory that
                && Objects.equals(name, that.name)
                && Objects.equals(entries, that.entries)
                && Objects.equals(end, that.end)
                && compactedRevision == that.compactedRevision;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, entries, end, compactedRevision);
    }

    @Override
    public String toString() {
        return "ConfigHistory[name=" + name
                + ", entries=" + entries
                + ", end=" + String.valueOf(end)
                + ", compactedRevision=" + compactedRevision + "]";
    }
}
