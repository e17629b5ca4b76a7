package io.etcdmp.config;

import java.util.Objects;

/**
 * What {@link ConfigStore#rollback} did.
 *
 * @param outcome  what happened
 * @param revision with {@link Outcome#ROLLED_BACK}: the revision of the write; otherwise 0
 * @param reason   a sentence for a log or a user, naming the key and the revisions
 */
public record Rollback(Outcome outcome, long revision, String reason) {
    public enum Outcome {
        /** The old value was written again. */
        ROLLED_BACK,
        /** Refused: the key changed after the caller read it (its modification revision is not the expected one). */
        CHANGED_SINCE_READ,
        /** Refused: etcd compacted the revision asked for; its value is gone. */
        COMPACTED,
        /** Refused: the key held no value at that revision. */
        NO_VALUE_AT_REVISION,
        /** Refused: the revision asked for is later than etcd's current revision (no value exists for it yet). */
        FUTURE_REVISION
    }

    public boolean done() {
        return outcome == Outcome.ROLLED_BACK;
    }

    @Override
    public boolean equals(Object other) {
        return other == this || other instanceof Rollback that
                && Objects.equals(outcome, that.outcome)
                && revision == that.revision
                && Objects.equals(reason, that.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(outcome, revision, reason);
    }

    @Override
    public String toString() {
        return "Rollback[outcome=" + String.valueOf(outcome) + ", revision=" + revision + ", reason=" + reason + "]";
    }
}
