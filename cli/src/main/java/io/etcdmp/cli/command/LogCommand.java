package io.etcdmp.cli.command;

import io.etcdmp.cli.core.Counted;
import io.etcdmp.cli.core.ChangeRecords;
import io.etcdmp.cli.output.Output;
import io.etcdmp.internal.cli.ToolConnection;
import io.etcdmp.cli.core.Jsonp;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

@Command(name = "log", mixinStandardHelpOptions = true,
        description = {"The change records of apply and rollback, newest first: revision, time, user, message, git commit, keys.",
                "Exit code: 0, or 1 on error."})
final class LogCommand extends BaseCommand {
    @Option(names = "--prefix", paramLabel = "PREFIX", description = "only changes of keys under this prefix")
    String prefix;

    @Option(names = "--changes-prefix", paramLabel = "PREFIX", defaultValue = ChangeRecords.DEFAULT_PREFIX,
            description = "root of the change records (default ${DEFAULT-VALUE})")
    String changesPrefix;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", defaultValue = "50", description = "at most N records (default ${DEFAULT-VALUE})")
    int limit;

    @Override
    public Integer call() {
        Output out = out();
        String root = changesPrefix.endsWith("/") ? changesPrefix : changesPrefix + "/";
        try (ToolConnection etcd = connection.open()) {
            List<ChangeRecords.Record> records = ChangeRecords.list(etcd, root).stream()
                    .filter(r -> prefix == null || r.keys().stream().anyMatch(k -> k.key().startsWith(prefix)))
                    .limit(limit).toList();
            if (out.json()) {
                JsonArrayBuilder a = Jsonp.array();
                for (ChangeRecords.Record r : records) {
                    JsonObjectBuilder o = Jsonp.object().add("revision", r.revision()).add("key", r.key())
                            .add("time", r.time()).add("user", r.user()).add("message", r.message()).add("command", r.command())
                            .add("part", r.part());
                    r.etcdUser().ifPresent(u -> o.add("etcdUser", u));
                    r.gitCommit().ifPresent(c -> o.add("gitCommit", c));
                    r.gitAuthor().ifPresent(c -> o.add("gitAuthor", c));
                    JsonArrayBuilder keys = Jsonp.array();
                    r.keys().forEach(k -> keys.add(Jsonp.object().add("key", k.key()).add("op", k.op())));
                    a.add(o.add("keys", keys));
                }
                out.json(Jsonp.object().add("records", a).build());
                return 0;
            }
            if (records.isEmpty()) {
                out.line("No change records under " + root);
            }
            for (ChangeRecords.Record r : records) {
                out.line(out.yellow("revision " + r.revision()) + "  " + r.time() + "  " + r.user()
                        + r.etcdUser().map(u -> " (etcd user " + u + ")").orElse("") + "  etcdmp " + r.command()
                        + (r.part().equals("1/1") ? "" : " part " + r.part()));
                r.gitCommit().ifPresent(c -> out.line("    git " + c + r.gitAuthor().map(a -> " by " + a).orElse("")));
                if (!r.message().isEmpty()) {
                    out.line("    " + r.message());
                }
                r.keys().stream().limit(20).forEach(k -> out.line("    " + (k.op().equals("delete") ? "- " : "~ ") + k.key()));
                if (r.keys().size() > 20) {
                    out.line("    ... " + Counted.of(r.keys().size() - 20, "more key", "more keys"));
                }
            }
            return 0;
        }
    }
}
