package io.etcdmp.internal.metrics;

/**
 * The library's metrics: name, kind, unit and meaning (docs/OBSERVABILITY.md lists the same).
 * Names follow OpenTelemetry's rules: dot namespaces, a unit, no {@code _total}.
 */
public enum Metric {
    CONFIG_REVISION("etcd.config.revision", Kind.GAUGE, "{revision}", "the etcd revision the config source has applied"),
    CONFIG_KEYS("etcd.config.keys", Kind.GAUGE, "{key}", "properties the config source holds"),
    CONFIG_CHANGES("etcd.config.changes", Kind.COUNTER, "{property}", "properties whose value changed"),
    CONFIG_SYNC_AGE("etcd.config.sync.age", Kind.GAUGE, "s", "0 while the watches are live, else seconds since one stopped"),
    CONFIG_STALE("etcd.config.stale", Kind.GAUGE, "1", "1 while serving from the cache file or cut off from etcd"),
    WATCH_RESTARTS("etcd.watch.restarts", Kind.COUNTER, "{restart}", "watches re-created after they ended"),
    DOCUMENT_ERRORS("etcd.config.document.errors", Kind.COUNTER, "{error}", "config documents that did not parse"),
    REGISTRATIONS("etcd.registry.registrations", Kind.GAUGE, "{registration}", "registrations this process holds"),
    LEASE_LOST("etcd.registry.lease.lost", Kind.COUNTER, "{lease}", "leases lost (records claimed again)"),
    KEEPALIVE_FAILURES("etcd.registry.keepalive.failures", Kind.COUNTER, "{failure}", "keep-alive streams that failed"),
    DISCOVERY_INSTANCES("etcd.discovery.instances", Kind.GAUGE, "{instance}", "instances of followed services"),
    DISCOVERY_EJECTIONS("etcd.discovery.ejections", Kind.COUNTER, "{ejection}", "instances this caller took out of choice after a failed connection"),
    OPERATION_DURATION("etcd.client.operation.duration", Kind.HISTOGRAM, "s", "duration of the library's etcd calls");

    /** How a metric is recorded. */
    public enum Kind { GAUGE, COUNTER, HISTOGRAM }

    private final String id;
    private final Kind kind;
    private final String unit;
    private final String description;

    Metric(String id, Kind kind, String unit, String description) {
        this.id = id;
        this.kind = kind;
        this.unit = unit;
        this.description = description;
    }

    public String id() {
        return id;
    }

    public Kind kind() {
        return kind;
    }

    public String unit() {
        return unit;
    }

    public String description() {
        return description;
    }
}
