package io.etcdmp.cli.command;

import io.etcdmp.cli.core.Counted;
import io.etcdmp.cli.core.RegistryView;
import io.etcdmp.cli.output.Output;
import io.etcdmp.internal.cli.ToolConnection;
import io.etcdmp.cli.core.Jsonp;
import jakarta.json.JsonArrayBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

@Command(name = "services", mixinStandardHelpOptions = true,
        description = {"The services in the registry: records, instances UP, records that are no instance.", "Exit code: 0, or 1 on error."})
final class ServicesCommand extends BaseCommand {
    @Option(names = "--registry-prefix", paramLabel = "PREFIX",
            description = "registry root (etcd.registry.prefix, ETCD_REGISTRY_PREFIX; default /services/)")
    String registryPrefix;

    @Override
    public Integer call() {
        Output out = out();
        try (ToolConnection etcd = connection.open()) {
            String root = root(etcd.endpoints(), registryPrefix);
            List<RegistryView.Service> services = RegistryView.services(etcd, root);
            if (out.json()) {
                JsonArrayBuilder a = Jsonp.array();
                services.forEach(s -> a.add(Jsonp.object().add("service", s.name()).add("records", s.records())
                        .add("up", s.up()).add("unreadable", s.unreadable())));
                out.json(Jsonp.object().add("prefix", root).add("services", a).build());
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("SERVICE", "RECORDS", "UP", "UNREADABLE"));
            services.forEach(s -> rows.add(List.of(s.name(), "" + s.records(), "" + s.up(), "" + s.unreadable())));
            out.table(rows);
            out.line(Counted.of(services.size(), "service", "services") + " under " + root);
            return 0;
        }
    }

    static String root(String ignored, String option) {
        java.util.Map<String, String> settings = new java.util.HashMap<>();
        if (option != null) {
            settings.put(ToolConnection.REGISTRY_PREFIX, option);
        }
        return ToolConnection.registryPrefix(settings);
    }
}
