package io.etcdmp.cli.command;

import io.etcdmp.cli.core.Counted;
import io.etcdmp.cli.core.Exporter;
import io.etcdmp.cli.output.Output;
import io.etcdmp.internal.cli.Layering;
import io.etcdmp.internal.cli.PropertyRules;
import io.etcdmp.internal.cli.ToolConnection;
import io.etcdmp.cli.core.Jsonp;
import jakarta.json.JsonArrayBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Writes the keys under a prefix into <dir>/<prefix path>/: plain keys into _keys.properties "
                + "(sorted, one a line), each document key as a file of its name, byte for byte. A plan of <dir> then "
                + "shows no change.", "Exit code: 0 written, 1 error or keys that could not be written (listed)."})
final class ExportCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "PREFIX", description = "the prefix, e.g. /config/orders/")
    String prefix;

    @Parameters(index = "1", paramLabel = "DIR", description = "the folder root")
    Path dir;

    @Option(names = "--documents", paramLabel = "NAMES", split = ",",
            description = "its etcd.config.documents: only names with a document extension are written as files; "
                    + "others are no documents (noted) and go to _keys.properties")
    List<String> documents;

    @Override
    public Integer call() {
        Output out = out();
        String p = prefix.endsWith("/") ? prefix : prefix + "/";
        if (!p.startsWith("/") || p.equals("/")) {
            throw new CommandFailure("Prefix '" + prefix + "' must start with '/' and name a folder, as /config/orders/");
        }
        List<String> names = documents != null ? documents
                : Layering.sources(Map.of(Layering.PREFIXES, p)).documents();
        try (ToolConnection etcd = connection.open()) {
            names.stream().filter(n -> !PropertyRules.isDocumentName(n)).forEach(n -> out.note("note: " + n + " has no "
                    + "document extension " + PropertyRules.documentExtensions() + ": no document to the library, exported "
                    + "as a plain key"));
            Exporter.Result r = Exporter.export(etcd, p, dir);
            if (out.json()) {
                JsonArrayBuilder docs = Jsonp.array();
                r.documents().forEach(docs::add);
                JsonArrayBuilder skipped = Jsonp.array();
                r.skipped().forEach(skipped::add);
                out.json(Jsonp.object().add("revision", r.revision()).add("folder", r.folder().toString())
                        .add("plainKeys", r.plainKeys()).add("documents", docs).add("skipped", skipped).build());
            } else {
                out.line("Exported " + p + " at revision " + r.revision() + " to " + r.folder() + ": "
                        + Counted.of(r.plainKeys(), "plain key", "plain keys") + ", "
                        + Counted.of(r.documents().size(), "document", "documents"));
                r.skipped().forEach(s -> out.note(out.red("not exported: ") + s));
            }
            return r.skipped().isEmpty() ? 0 : 1;
        }
    }
}
