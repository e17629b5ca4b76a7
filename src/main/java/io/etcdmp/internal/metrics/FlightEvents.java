package io.etcdmp.internal.metrics;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/**
 * JDK Flight Recorder events of the library, under {@code io.etcdmp.}: no dependency, and nothing is
 * recorded unless a recording enables them ({@code jfr print --events 'io.etcdmp.*' recording.jfr}).
 * Values and keys are never recorded: a prefix, a service name, counts and revisions only.
 */
public final class FlightEvents {
    private FlightEvents() {
    }

    /** A configuration change applied to the snapshot. */
    public static void configChanged(String prefixes, long revision, int properties) {
        ConfigChanged event = new ConfigChanged();
        if (event.shouldCommit()) {
            event.prefixes = prefixes;
            event.revision = revision;
            event.properties = properties;
            event.commit();
        }
    }

    /** A watch that ended was re-created after a re-read or from its last revision. */
    public static void watchRestarted(String prefix, String reason, long fromRevision, long toRevision) {
        WatchRestarted event = new WatchRestarted();
        if (event.shouldCommit()) {
            event.prefix = prefix;
            event.reason = reason;
            event.fromRevision = fromRevision;
            event.gap = Math.max(0, toRevision - fromRevision);
            event.commit();
        }
    }

    /** The config source started from the cache file because etcd did not answer. */
    public static void startedFromCache(String prefixes, long revision) {
        StartedFromCache event = new StartedFromCache();
        if (event.shouldCommit()) {
            event.prefixes = prefixes;
            event.revision = revision;
            event.commit();
        }
    }

    /** The lease of a registry's registrations (under {@code prefix}) was lost. */
    public static void leaseLost(String prefix, long leaseId, String reason) {
        LeaseLost event = new LeaseLost();
        if (event.shouldCommit()) {
            event.prefix = prefix;
            event.leaseId = String.format("%016x", leaseId);
            event.reason = reason;
            event.commit();
        }
    }

    /** A record was claimed again under a new lease after its lease was lost (a deleted record restored is not one). */
    public static void reregistered(String service, String instanceId, long nanosWithoutRecord) {
        Reregistered event = new Reregistered();
        if (event.shouldCommit()) {
            event.service = service;
            event.instanceId = instanceId;
            event.withoutRecord = nanosWithoutRecord;
            event.commit();
        }
    }

    /** A registration drained: marked DRAINING, then removed after the wait. */
    public static void drained(String service, String instanceId, long waitNanos) {
        Drained event = new Drained();
        if (event.shouldCommit()) {
            event.service = service;
            event.instanceId = instanceId;
            event.wait = waitNanos;
            event.commit();
        }
    }

    @Name("io.etcdmp.ConfigChanged")
    @Label("Configuration Change Applied")
    @Category({"etcd-microprofile", "Config"})
    static final class ConfigChanged extends Event {
        @Label("Prefixes") String prefixes;
        @Label("Revision") long revision;
        @Label("Properties Changed") int properties;
    }

    @Name("io.etcdmp.WatchRestarted")
    @Label("Watch Restarted")
    @Category({"etcd-microprofile", "Watch"})
    static final class WatchRestarted extends Event {
        @Label("Prefix") String prefix;
        @Label("Reason") String reason;
        @Label("From Revision") long fromRevision;
        @Label("Revisions Re-read") @Description("revisions between the last one received and the re-read") long gap;
    }

    @Name("io.etcdmp.StartedFromCache")
    @Label("Started From Cache File")
    @Category({"etcd-microprofile", "Config"})
    static final class StartedFromCache extends Event {
        @Label("Prefixes") String prefixes;
        @Label("Revision") long revision;
    }

    @Name("io.etcdmp.LeaseLost")
    @Label("Lease Lost")
    @Category({"etcd-microprofile", "Registry"})
    static final class LeaseLost extends Event {
        @Label("Registry Prefix") String prefix;
        @Label("Lease") String leaseId;
        @Label("Reason") String reason;
    }

    @Name("io.etcdmp.Reregistered")
    @Label("Record Claimed Again")
    @Category({"etcd-microprofile", "Registry"})
    static final class Reregistered extends Event {
        @Label("Service") String service;
        @Label("Instance") String instanceId;
        @Label("Time Without Record") @Timespan long withoutRecord;
    }

    @Name("io.etcdmp.Drained")
    @Label("Registration Drained")
    @Category({"etcd-microprofile", "Registry"})
    static final class Drained extends Event {
        @Label("Service") String service;
        @Label("Instance") String instanceId;
        @Label("Drain Wait") @Timespan long wait;
    }
}
