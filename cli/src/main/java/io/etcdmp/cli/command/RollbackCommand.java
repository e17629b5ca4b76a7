package io.etcdmp.cli.command;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.options.GetOption;
import io.etcdmp.cli.core.ChangeRecords;
import io.etcdmp.cli.output.Output;
import io.etcdmp.config.Rollback;
import io.etcdmp.internal.cli.PropertyRules;
import io.etcdmp.internal.cli.ToolConnection;
import io.etcdmp.cli.core.Jsonp;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Writes again the value a key had at a revision (ConfigStore.rollback: refused when the key changed "
                + "meanwhile), then a change record.", "Exit code: 0 rolled back, 1 refused or error."})
final class RollbackCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "PREFIX", description = "the prefix, e.g. /config/orders/")
    String prefix;

    @Parameters(index = "1", paramLabel = "NAME", description = "the key below the prefix")
    String name;

    @Parameters(index = "2", paramLabel = "REVISION", description = "the revision whose value to write again (from history)")
    long revision;

    @Option(names = "--expect-mod-revision", paramLabel = "REV",
            description = "refuse unless the key's modification revision is still REV (from the history you read); 0: absent")
    Long expected;

    @Option(names = {"-m", "--message"}, paramLabel = "TEXT", description = "why: kept in the change record")
    String message = "";

    @Option(names = "--changes-prefix", paramLabel = "PREFIX", defaultValue = ChangeRecords.DEFAULT_PREFIX,
            description = "root of the change records (default ${DEFAULT-VALUE})")
    String changesPrefix;

    @Override
    public Integer call() throws Exception {
        if (revision <= 0) { // etcd reads 0 as "now"; the library refuses it too
            throw new CommandLine.ParameterException(spec.commandLine(), "REVISION " + revision
                    + " is not a revision: a positive number, from etcdmp history");
        }
        Output out = out();
        String p = prefix.endsWith("/") ? prefix : prefix + "/";
        String root = changesPrefix.endsWith("/") ? changesPrefix : changesPrefix + "/";
        try (ToolConnection etcd = connection.open()) {
            Rollback result = expected == null ? etcd.store(p).rollback(name, revision)
                    : etcd.store(p).rollback(name, revision, expected);
            String reason = result.reason();
            if (result.outcome() == Rollback.Outcome.NO_VALUE_AT_REVISION && name.contains(".")) {
                reason += keyGiving(etcd, p, name).map(k -> ": did you mean " + k + "? (keys use '/', properties '.')").orElse("");
            }
            Optional<String> record = Optional.empty();
            if (result.done()) {
                record = Optional.of(record(etcd, root, p + name, result.revision()));
            }
            if (out.json()) {
                var o = Jsonp.object().add("outcome", result.outcome().name().toLowerCase(Locale.ROOT))
                        .add("revision", result.revision()).add("message", reason);
                record.ifPresent(r -> o.add("changeRecord", r));
                out.json(o.build());
            } else {
                out.line(result.done() ? out.green(reason) : out.red(reason));
                record.ifPresent(r -> out.line("Change record: " + r));
            }
            return result.done() ? 0 : 1;
        }
    }

    /** The most keys the did-you-mean read looks at. */
    private static final int HINT_KEYS = 1000;

    /**
     * The key under {@code prefix} that gives property {@code name} with '/' for some of its '.' (db/pool.size for
     * db.pool.size), when a rollback named the property instead: one read of the keys only (no values) that start
     * as the name does up to its first '.', at most {@value #HINT_KEYS} of them, on this failure path only. Empty when
     * there is none, the name begins with '.' (the read would be the whole prefix), or the read fails.
     */
    private static Optional<String> keyGiving(ToolConnection etcd, String prefix, String name) {
        if (name.indexOf('.') <= 0) {
            return Optional.empty();
        }
        ByteSequence start = ByteSequence.from(prefix + name.substring(0, name.indexOf('.')), StandardCharsets.UTF_8);
        try {
            return etcd.client().getKVClient().get(start, GetOption.builder().isPrefix(true).withKeysOnly(true)
                            .withLimit(HINT_KEYS).build())
                    .get(etcd.requestTimeout().toMillis(), TimeUnit.MILLISECONDS).getKvs().stream()
                    .map(kv -> kv.getKey().getBytes())
                    .filter(key -> PropertyRules.propertyName(prefix, key).filter(name::equals).isPresent())
                    .map(key -> new String(key, StandardCharsets.UTF_8).substring(prefix.length()))
                    .filter(relative -> !relative.equals(name)).sorted().findFirst();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return Optional.empty(); // only a hint: the refusal itself is reported
        }
    }

    /**
     * The change record of a rollback: written right after it (ConfigStore.rollback is its own transaction), so
     * its revision is the next one; it names the rollback's revision in its message.
     */
    private String record(ToolConnection etcd, String root, String key, long written) throws Exception {
        ChangeRecords.Author author = ChangeRecords.Author.of(etcd, "rollback to revision " + revision + ", written at revision "
                + written + (message.isEmpty() ? "" : ": " + message), Optional.empty());
        return ChangeRecords.writeAfter(etcd, root, author, "rollback", List.of(new ChangeRecords.KeyOp(key, "put")), written);
    }
}
