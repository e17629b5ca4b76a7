package io.etcdmp.cli.command;

import io.etcdmp.cli.core.Counted;
import io.etcdmp.cli.core.EffectiveConfig;
import io.etcdmp.cli.output.Output;
import io.etcdmp.internal.cli.Layering;
import io.etcdmp.internal.cli.SecretNames;
import io.etcdmp.internal.cli.ToolConnection;
import io.etcdmp.cli.core.Jsonp;
import jakarta.json.JsonArrayBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

@Command(name = "effective", mixinStandardHelpOptions = true,
        description = {"The properties an application with this mp.app.name sees from etcd: value (masked where secret), "
                + "the prefix or document it comes from, what it overrides; computed by the config source's own code.",
                "Exit code: 0, or 1 on error."})
final class EffectiveCommand extends BaseCommand {
    @Option(names = "--app", paramLabel = "NAME", required = true, description = "the application's mp.app.name")
    String app;

    @Option(names = "--prefixes", paramLabel = "PREFIXES",
            description = "its etcd.config.prefixes, comma-separated (default as the library: /config/application/,/config/<app>/)")
    String prefixes;

    @Option(names = "--documents", paramLabel = "NAMES", description = "its etcd.config.documents, comma-separated")
    String documents;

    @Override
    public Integer call() {
        Output out = out();
        Map<String, String> settings = new HashMap<>();
        settings.put(Layering.APP_NAME, app);
        if (prefixes != null) {
            settings.put(Layering.PREFIXES, prefixes);
        }
        if (documents != null) {
            settings.put(Layering.DOCUMENTS, documents);
        }
        SecretNames secrets = output.secrets();
        try (ToolConnection etcd = connection.open()) {
            EffectiveConfig.View view = EffectiveConfig.of(etcd, settings);
            List<Layering.Property> properties = view.result().properties();
            if (out.json()) {
                JsonArrayBuilder a = Jsonp.array();
                for (Layering.Property p : properties) {
                    JsonArrayBuilder over = Jsonp.array();
                    p.overrides().forEach(l -> over.add(Jsonp.object().add("source", l.source())
                            .add("value", Shown.stored(secrets, p.name(), l.value())).add("modRevision", l.modRevision())));
                    a.add(Jsonp.object().add("name", p.name()).add("value", Shown.stored(secrets, p.name(), p.value()))
                            .add("source", p.from().source()).add("modRevision", p.from().modRevision()).add("overrides", over));
                }
                JsonArrayBuilder ps = Jsonp.array();
                view.sources().prefixes().forEach(ps::add);
                JsonArrayBuilder errors = Jsonp.array();
                view.result().documentErrors().forEach((k, v) -> errors.add(Jsonp.object().add("key", k).add("error", v)));
                out.json(Jsonp.object().add("app", app).add("revision", view.revision()).add("prefixes", ps)
                        .add("properties", a).add("documentErrors", errors).build());
                return 0;
            }
            out.line(out.bold("Application " + app + " at revision " + view.revision() + ": prefixes "
                    + String.join(", ", view.sources().prefixes()) + (view.sources().documents().isEmpty() ? ""
                    : ", documents " + String.join(", ", view.sources().documents()))));
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("PROPERTY", "VALUE", "FROM", "OVERRIDES"));
            for (Layering.Property p : properties) {
                List<String> over = p.overrides().stream().map(l -> l.source() + " (" + Shown.stored(secrets, p.name(), l.value()) + ")").toList();
                rows.add(List.of(p.name(), Shown.stored(secrets, p.name(), p.value()), p.from().source(), String.join(", ", over)));
            }
            out.table(rows);
            view.result().documentErrors().forEach((k, v) -> out.note(out.red("document does not parse: ") + k + ": " + v));
            out.line(Counted.of(properties.size(), "property", "properties"));
            return 0;
        }
    }
}
