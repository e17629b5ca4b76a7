package io.etcdmp.cli.command;

import io.etcdmp.cli.core.Applier;
import io.etcdmp.cli.core.ChangeRecords;
import io.etcdmp.cli.core.EtcdState;
import io.etcdmp.cli.core.Plan;
import io.etcdmp.cli.output.Output;
import io.etcdmp.internal.cli.Encryption;
import io.etcdmp.internal.cli.ToolConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@code etcdmp reencrypt <prefix>}: every encrypted value under a prefix to the current key, in one guarded transaction. */
@Command(name = "reencrypt", mixinStandardHelpOptions = true, // $${...}: picocli would expand ${...} (to null)
        description = {"Re-encrypts every $${aes-gcm-nopadding::...} value under PREFIX that a previous key opens to the "
                + "current key, in ONE etcd transaction: each key must still have the modification revision read, and a "
                + "change record is written with it. Values the current key opens are left as they are; a value no key "
                + "opens stops the command before anything is written. docs/SECRETS.md",
                "Exit code: 0 re-encrypted (or nothing to do), 1 error, conflict or too large."})
final class ReencryptCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "PREFIX", description = "the key prefix, e.g. /config/orders/")
    String prefix;

    @Mixin
    KeyOptions keys;

    @Option(names = {"-m", "--message"}, paramLabel = "TEXT", description = "why: kept in the change record")
    String message = "";

    @Option(names = "--max-txn-ops", paramLabel = "N", defaultValue = "128",
            description = "operations etcd allows in one transaction (its --max-txn-ops; default ${DEFAULT-VALUE})")
    int maxTxnOps;

    @Option(names = "--changes-prefix", paramLabel = "PREFIX", defaultValue = ChangeRecords.DEFAULT_PREFIX,
            description = "root of the change records (default ${DEFAULT-VALUE})")
    String changesPrefix;

    @Override
    public Integer call() {
        Output out = out();
        Encryption encryption = keys.open();
        String root = prefix.endsWith("/") ? prefix : prefix + "/";
        String records = changesPrefix.endsWith("/") ? changesPrefix : changesPrefix + "/";
        if (records.startsWith(root) || root.startsWith(records)) {
            throw new CommandFailure("--changes-prefix " + records + " and " + root + " overlap");
        }
        try (ToolConnection etcd = connection.open()) {
            EtcdState state = EtcdState.read(etcd, List.of(root));
            List<Plan.Change> changes = new ArrayList<>();
            for (Map.Entry<String, EtcdState.Current> e : new TreeMap<>(state.keys()).entrySet()) {
                String value = new String(e.getValue().value(), StandardCharsets.UTF_8);
                Optional<String> fresh = encryption.reencrypt(e.getKey(), value);
                fresh.ifPresent(v -> changes.add(new Plan.Change(Plan.Op.CHANGE, e.getKey(), e.getValue().value(),
                        v.getBytes(StandardCharsets.UTF_8), e.getValue().modRevision(), false)));
            }
            if (!out.json()) {
                changes.forEach(c -> out.line("  re-encrypt " + c.key() + ": " + Encryption.MASK));
            }
            Plan plan = new Plan(state.revision(), "", List.of(root), false, changes, state.keys().size() - changes.size(), List.of());
            ChangeRecords.Author author = ChangeRecords.Author.of(etcd,
                    message.isEmpty() ? "re-encrypt " + root + " to the current key" : message, Optional.empty());
            Applier.Result result = Applier.apply(etcd, plan, author, new Applier.Options(maxTxnOps,
                    Applier.DEFAULT_MAX_REQUEST_BYTES, false, records, "reencrypt"));
            ApplyCommand.show(out, result);
            return result.outcome() == Applier.Outcome.APPLIED || result.outcome() == Applier.Outcome.NOTHING_TO_DO ? 0 : 1;
        }
    }
}
