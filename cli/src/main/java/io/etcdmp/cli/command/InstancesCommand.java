package io.etcdmp.cli.command;

import io.etcdmp.cli.core.Counted;
import io.etcdmp.cli.core.RegistryView;
import io.etcdmp.cli.output.Output;
import io.etcdmp.internal.cli.SecretNames;
import io.etcdmp.internal.cli.ToolConnection;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.cli.core.Jsonp;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

@Command(name = "instances", mixinStandardHelpOptions = true,
        description = {"The instances of a service as the library reads them (every record shape): address, status, zone, "
                + "weight, lease TTL left, age, the config revision it runs (marked when behind the newest its service "
                + "reports, or stale); records that are no instance with the reason.", "Exit code: 0, or 1 on error."})
final class InstancesCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "SERVICE")
    String service;

    @Option(names = "--registry-prefix", paramLabel = "PREFIX",
            description = "registry root (etcd.registry.prefix, ETCD_REGISTRY_PREFIX; default /services/)")
    String registryPrefix;

    @Override
    public Integer call() {
        Output out = out();
        SecretNames secrets = output.secrets();
        try (ToolConnection etcd = connection.open()) {
            String root = ServicesCommand.root(etcd.endpoints(), registryPrefix);
            List<RegistryView.Row> rows = RegistryView.instances(etcd, root, service);
            long newest = newestConfigRevision(rows);
            if (out.json()) {
                JsonArrayBuilder a = Jsonp.array();
                for (RegistryView.Row r : rows) {
                    JsonObjectBuilder o = Jsonp.object().add("key", r.key()).add("lease", r.leaseId());
                    r.ttlLeftSeconds().ifPresent(t -> o.add("ttlLeftSeconds", t));
                    r.age().ifPresent(age -> o.add("ageSeconds", age.toSeconds()));
                    r.problem().ifPresent(p -> o.add("problem", p));
                    r.instance().ifPresent(i -> {
                        JsonObjectBuilder md = Jsonp.object();
                        i.metadata().forEach((k, v) -> md.add(k, secrets.show(k, v))); // metadata may carry a token
                        o.add("instanceId", i.instanceId()).add("address", i.address()).add("scheme", i.scheme())
                                .add("status", i.status()).add("weight", i.weight()).add("metadata", md);
                        String zone = i.metadata().get(ServiceInstance.ZONE);
                        if (zone != null) {
                            o.add("zone", zone);
                        }
                        i.configRevision().ifPresent(rev -> o.add("configRevision", rev).add("configBehind", rev < newest));
                        o.add("configStale", i.configStale());
                    });
                    a.add(o);
                }
                JsonObjectBuilder view = Jsonp.object().add("service", service).add("prefix", root + service + "/");
                if (newest > 0) {
                    view.add("newestConfigRevision", newest);
                }
                out.json(view.add("instances", a).build());
                return 0;
            }
            List<List<String>> table = new ArrayList<>();
            table.add(List.of("INSTANCE", "ADDRESS", "STATUS", "ZONE", "WEIGHT", "TTL LEFT", "AGE", "CONFIG REV"));
            for (RegistryView.Row r : rows) {
                if (r.instance().isEmpty()) {
                    continue;
                }
                ServiceInstance i = r.instance().get();
                table.add(List.of(i.instanceId(), i.scheme() + "://" + i.address(), i.status(),
                        i.metadata().getOrDefault(ServiceInstance.ZONE, "-"), "" + i.weight(),
                        r.leaseId() == 0 ? "no lease" : r.ttlLeftSeconds().map(t -> t < 0 ? "expired" : t + " s").orElse("?"),
                        r.age().map(InstancesCommand::age).orElse("-"), configRevision(i, newest, out)));
            }
            out.table(table);
            rows.stream().filter(r -> r.problem().isPresent())
                    .forEach(r -> out.note(out.yellow("not an instance: ") + r.key() + ": " + r.problem().get()));
            out.line(Counted.of(table.size() - 1, "instance", "instances") + " of " + service);
            return 0;
        }
    }

    /** The newest config revision the instances of the service report; 0 when none does. */
    static long newestConfigRevision(List<RegistryView.Row> rows) {
        return rows.stream().flatMap(r -> r.instance().stream()).mapToLong(i -> i.configRevision().orElse(0)).max().orElse(0);
    }

    /** The revision an instance runs, marked when it is behind the newest its service reports or says it is stale. */
    static String configRevision(ServiceInstance i, long newest, Output out) {
        if (i.configRevision().isEmpty()) {
            return "-";
        }
        long rev = i.configRevision().getAsLong();
        String mark = rev < newest ? " " + out.yellow("behind") : "";
        return rev + mark + (i.configStale() ? " " + out.yellow("stale") : "");
    }

    static String age(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s < 120 ? s + " s" : s < 7200 ? s / 60 + " min" : s < 172800 ? s / 3600 + " h" : s / 86400 + " d";
    }
}
