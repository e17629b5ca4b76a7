package io.etcdmp.internal.registry;

import java.util.function.LongSupplier;

/**
 * When a registry gives up one watch per followed service for one watch on its whole prefix: once it would
 * follow more than one in {@link #SHARE} of the services registered. One watch per service costs a read
 * and a watch stream per service and receives that service's changes only; the whole prefix costs one read
 * of every record and receives every change of the registry. So a registry that follows a few services of
 * a large one watches them one by one, and one that follows a sizeable share of them (or of a small
 * registry) reads everything once: following all 1,000 services of a 10,000-instance registry reads 10
 * services one by one, then the whole prefix.
 * <p>
 * The number of services is estimated without reading them: the records in the registry (one count-only
 * request, no values travel) divided by the records per service of those already followed. The first
 * service followed never counts (one small read, as before); the count is taken again each time the
 * followed services reach the last threshold, so a registry that grew is judged by its size then. A count or
 * a switch that fails is tried again once the followed services have doubled.
 */
final class WideWatchThreshold {
    /** Watch the whole prefix once more than one in this many services would be followed. */
    static final int SHARE = 100;

    /** How many followed services make the next decision; 1: the second service followed counts. */
    private long considerAt = 1;

    /**
     * Whether the registry should follow one more service by watching its whole prefix.
     *
     * @param followed        the services followed now, each by its own watch
     * @param followedRecords the records those services hold
     * @param countRecords    counts the records in the registry; negative when it cannot
     */
    boolean wideFor(int followed, long followedRecords, LongSupplier countRecords) {
        if (followed < considerAt) {
            return false;
        }
        long records = countRecords.getAsLong();
        if (records < 0) {
            failed(followed);
            return false;
        }
        double perService = Math.max(1.0, followedRecords / (double) Math.max(1, followed));
        long services = Math.max(followed + 1L, Math.round(records / perService));
        long threshold = Math.max(1, services / SHARE);
        if (followed + 1L <= threshold) {
            considerAt = threshold;
            return false;
        }
        return true;
    }

    /** A count or a switch failed with {@code followed} services followed: try again once they have doubled. */
    void failed(int followed) {
        considerAt = Math.max(considerAt, 2L * Math.max(1, followed));
    }
}
