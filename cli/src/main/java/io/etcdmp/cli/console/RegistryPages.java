package io.etcdmp.cli.console;

import io.etcdmp.cli.core.Counted;
import io.etcdmp.cli.console.Console.Page;
import io.etcdmp.cli.core.ChangeRecords;
import io.etcdmp.cli.core.RegistryView;
import io.etcdmp.registry.ServiceInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The registry pages ({@link RegistryView}: every record shape, read by the library's own record reader) and the
 * change log ({@link ChangeRecords}, newest first).
 */
final class RegistryPages {
    private static final Set<String> SHOWN = Set.of(ServiceInstance.STATUS, ServiceInstance.ZONE, ServiceInstance.WEIGHT,
            ServiceInstance.CONFIG_REVISION, ServiceInstance.CONFIG_STALE);

    private RegistryPages() {
    }

    static Page registry(Exchange x) {
        String root = x.console().options().registryPrefix();
        if (!x.param("service").isEmpty()) {
            return service(x, root, x.param("service"));
        }
        List<List<String>> rows = new ArrayList<>();
        for (RegistryView.Service s : RegistryView.services(x.etcd(), root)) {
            rows.add(List.of(Html.a("/registry?service=" + Html.url(s.name()), s.name()), Integer.toString(s.records()),
                    Integer.toString(s.up()), Integer.toString(s.unreadable())));
        }
        return new Page("Registry", "", "", "<p>" + Counted.of(rows.size(), "service", "services") + " under " + Html.esc(root) + "</p>"
                + Html.table("services", List.of("Service", "Records", "Up", "Unreadable"), rows));
    }

    private static Page service(Exchange x, String root, String service) {
        List<RegistryView.Row> rows = RegistryView.instances(x.etcd(), root, service);
        long newest = rows.stream().flatMap(r -> r.instance().stream()).mapToLong(i -> i.configRevision().orElse(0)).max().orElse(0);
        List<List<String>> cells = new ArrayList<>();
        for (RegistryView.Row r : rows) {
            if (r.instance().isEmpty()) {
                cells.add(List.of(Html.esc(r.key().substring(r.key().lastIndexOf('/') + 1)), "", "<span class=\"error\">unreadable: "
                        + Html.esc(r.problem().orElse("")) + "</span>", "", "", "", lease(r), "", "", ""));
                continue;
            }
            ServiceInstance i = r.instance().get();
            Map<String, String> meta = new TreeMap<>(i.metadata());
            SHOWN.forEach(meta::remove);
            StringBuilder m = new StringBuilder();
            meta.forEach((k, v) -> m.append("<div><code>").append(Html.esc(k)).append("</code>=")
                    .append(ConfigPages.valueCell(x.secrets().show(k, v))).append("</div>"));
            String config = i.configRevision().isPresent() ? i.configRevision().getAsLong()
                    + (i.configRevision().getAsLong() < newest ? " <span class=\"warn\">behind by "
                    + (newest - i.configRevision().getAsLong()) + "</span>" : "")
                    + (i.configStale() ? " <span class=\"warn\">stale</span>" : "") : "-";
            String status = "<span class=\"status-" + Html.esc(i.status().toLowerCase(java.util.Locale.ROOT)) + "\">"
                    + Html.esc(i.status()) + "</span>";
            cells.add(List.of(Html.esc(i.instanceId()), Html.esc(i.uri().toString()), status,
                    Html.esc(i.metadata().getOrDefault(ServiceInstance.ZONE, "")), Integer.toString(i.weight()), m.toString(),
                    lease(r), Html.esc(i.registeredAt().map(Object::toString).orElse("-")), config, actions(x, r, i)));
        }
        String live = "<p>" + Counted.of(rows.size(), "record", "records") + " of " + Html.esc(service) + (newest > 0 ? "; newest config revision reported: "
                + newest : "") + "</p>" + Html.table("instances", List.of("Instance", "Address", "Status", "Zone", "Weight",
                "Metadata", "Lease TTL left", "Registered at", "Config revision", ""), cells);
        return new Page("Service " + service, "<p>" + Html.a("/registry", "All services") + "</p>", "", live);
    }

    private static String lease(RegistryView.Row r) {
        return r.leaseId() == 0 ? "no lease" : r.ttlLeftSeconds().map(s -> s < 0 ? "expired" : s + " s").orElse("?");
    }

    private static String actions(Exchange x, RegistryView.Row r, ServiceInstance i) {
        if (!x.canWrite()) {
            return "";
        }
        String key = Html.hidden("key", r.key()) + Html.hidden("expect", Long.toString(r.modRevision())); // the stale-page guard
        StringBuilder b = new StringBuilder();
        if (i.isUp()) {
            b.append(Html.form("/instance", x.csrf(), key + Html.hidden("status", "OUT_OF_SERVICE"), "Out of service", "inline"));
            b.append(Html.form("/instance", x.csrf(), key + Html.hidden("status", "DRAINING"), "Drain", "inline"));
        } else {
            b.append(Html.form("/instance", x.csrf(), key + Html.hidden("status", "UP"), "Back to UP", "inline"));
        }
        b.append(Html.form("/instance", x.csrf(), key + "<label>Weight <input name=\"weight\" size=\"4\" inputmode=\"numeric\" value=\""
                + i.weight() + "\"></label>", "Set", "inline"));
        return b.toString();
    }

    static Page changes(Exchange x) {
        List<List<String>> rows = new ArrayList<>();
        List<ChangeRecords.Record> records = ChangeRecords.list(x.etcd(), x.console().options().changesPrefix());
        for (ChangeRecords.Record r : records.subList(0, Math.min(records.size(), 500))) {
            StringBuilder keys = new StringBuilder();
            r.keys().forEach(k -> keys.append("<div>").append(Html.esc(k.op())).append(" <code>").append(Html.esc(k.key()))
                    .append("</code></div>"));
            rows.add(List.of(Long.toString(r.revision()), Html.esc(r.time()), Html.esc(r.user() + r.etcdUser().map(u -> " (etcd user "
                    + u + ")").orElse("")), Html.esc(r.command()), Html.esc(r.message()),
                    Html.esc(r.gitCommit().orElse("")), keys.toString()));
        }
        return new Page("Change log", "", "", "<p>" + Counted.of(records.size(), "change record", "change records") + " under "
                + Html.esc(x.console().options().changesPrefix()) + ", newest first</p>"
                + Html.table("changes", List.of("Revision", "Time", "Who", "Command", "Message", "Git commit", "Keys"), rows));
    }
}
