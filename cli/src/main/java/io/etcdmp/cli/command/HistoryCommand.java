package io.etcdmp.cli.command;

import io.etcdmp.cli.output.Output;
import io.etcdmp.config.ConfigHistory;
import io.etcdmp.internal.cli.SecretNames;
import io.etcdmp.internal.cli.ToolConnection;
import io.etcdmp.cli.core.Jsonp;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"The values a key had, newest first, as far back as etcd keeps them (ConfigStore.history).",
                "Exit code: 0, or 1 on error."})
final class HistoryCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "PREFIX", description = "the prefix, e.g. /config/orders/")
    String prefix;

    @Parameters(index = "1", paramLabel = "NAME", description = "the key below the prefix, e.g. db.url")
    String name;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", defaultValue = "1000", description = "at most N entries (default ${DEFAULT-VALUE})")
    int limit;

    @Override
    public Integer call() {
        Output out = out();
        String p = prefix.endsWith("/") ? prefix : prefix + "/";
        SecretNames secrets = output.secrets();
        try (ToolConnection etcd = connection.open()) {
            ConfigHistory history = etcd.store(p).history(name, limit);
            if (out.json()) {
                JsonArrayBuilder a = Jsonp.array();
                for (ConfigHistory.Entry e : history.entries()) {
                    JsonObjectBuilder o = Jsonp.object().add("modRevision", e.modRevision()).add("version", e.version());
                    e.value().ifPresent(v -> o.add("value", Shown.stored(secrets, name, v)));
                    a.add(o);
                }
                out.json(Jsonp.object().add("key", p + name).add("entries", a)
                        .add("end", history.end().name().toLowerCase(Locale.ROOT))
                        .add("compactedRevision", history.compactedRevision()).build());
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("REVISION", "VERSION", "VALUE"));
            for (ConfigHistory.Entry e : history.entries()) {
                rows.add(List.of(Long.toString(e.modRevision()), Long.toString(e.version()),
                        e.value().map(v -> Shown.stored(secrets, name, v)).orElse("(not UTF-8)")));
            }
            out.table(rows);
            out.line(switch (history.end()) {
                case CREATED -> "Complete: the oldest entry created the key.";
                case COMPACTED -> "etcd compacted revision " + history.compactedRevision() + ": older values are gone.";
                case ABSENT -> "Key " + p + name + " has no value now.";
                case LIMIT -> "Stopped at " + limit + " entries (--limit).";
            });
            return 0;
        }
    }
}
