package io.etcdmp.cli.command;

import io.etcdmp.cli.core.Counted;
import io.etcdmp.cli.core.Applier;
import io.etcdmp.cli.core.ChangeRecords;
import io.etcdmp.cli.core.FolderLayout.Folder;
import io.etcdmp.cli.core.GitInfo;
import io.etcdmp.cli.core.Plan;
import io.etcdmp.cli.core.PlanFile;
import io.etcdmp.cli.output.Output;
import io.etcdmp.cli.output.Progress;
import io.etcdmp.internal.cli.ToolConnection;
import io.etcdmp.cli.core.Jsonp;
import jakarta.json.JsonArrayBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Applies a folder (planned now) or a saved plan in ONE etcd transaction: every key it touches must "
                + "still have the modification revision the plan saw (absent for keys it creates), only changed keys are "
                + "written, and a change record is written in the same transaction.",
                "Exit code: 0 applied (or nothing to do), 1 error, conflict or too large."})
final class ApplyCommand extends BaseCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "the folder (default with --plan: the plan's folder)")
    Path dir;

    @Option(names = "--plan", paramLabel = "FILE", description = "a plan saved by plan --out: applied only if nothing it covers changed")
    Path planFile;

    @Option(names = "--prefix", paramLabel = "PREFIX", description = "only these prefixes (repeat)")
    List<String> prefixes;

    @Option(names = "--prune", description = "delete keys under the prefixes that the folder does not define")
    boolean prune;

    @Option(names = {"-m", "--message"}, paramLabel = "TEXT", description = "why: kept in the change record")
    String message = "";

    @Option(names = "--max-txn-ops", paramLabel = "N", defaultValue = "128",
            description = "operations etcd allows in one transaction (its --max-txn-ops; default ${DEFAULT-VALUE})")
    int maxTxnOps;

    @Option(names = "--max-request-bytes", paramLabel = "BYTES", defaultValue = "1572864",
            description = "etcd's request size limit (its --max-request-bytes; default ${DEFAULT-VALUE}, 1.5 MiB)")
    long maxRequestBytes;

    @Option(names = "--allow-split", description = "apply a change too large for one transaction in several (NOT atomic)")
    boolean allowSplit;

    @Option(names = "--changes-prefix", paramLabel = "PREFIX", defaultValue = ChangeRecords.DEFAULT_PREFIX,
            description = "root of the change records (default ${DEFAULT-VALUE}); no config prefix may cover it")
    String changesPrefix;

    @Override
    public Integer call() {
        if (dir == null && planFile == null) {
            throw new CommandFailure("Give the folder to apply, or --plan FILE saved by etcdmp plan --out");
        }
        Output out = out();
        String records = changesPrefix.endsWith("/") ? changesPrefix : changesPrefix + "/";
        PlanFile.Saved saved = planFile == null ? null : PlanFile.load(planFile);
        Path folderDir = dir != null ? dir : saved.dir();
        // git runs beside the plan, and only in a repository (a thread hand-off costs more than the check)
        CompletableFuture<Optional<GitInfo>> git = GitInfo.inRepository(folderDir)
                ? CompletableFuture.supplyAsync(() -> GitInfo.of(folderDir)) : CompletableFuture.completedFuture(Optional.empty());
        ToolConnection etcd = connection.open();
        try {
            Plan plan;
            if (saved != null) {
                Folder folder = ValidateCommand.validFolder(out, folderDir, List.of());
                plan = saved.plan(folder, etcd.endpoints());
            } else {
                plan = PlanCommand.plan(out, etcd, folderDir, PlanCommand.normalize(prefixes == null ? List.of() : prefixes), prune);
            }
            for (String p : plan.prefixes()) {
                if (records.startsWith(p) || p.startsWith(records)) {
                    throw new CommandFailure("--changes-prefix " + records + " and the config prefix " + p + " overlap: "
                            + "change records must live where no config source reads them");
                }
            }
            if (!out.json() && saved != null) {
                PlanView.showSaved(out, plan, saved.documentProperties(plan), output.secrets(), etcd.endpoints());
            } else if (!out.json()) {
                PlanView.show(out, plan, output.secrets(), etcd.endpoints());
            }
            ChangeRecords.Author author = ChangeRecords.Author.of(etcd, message, git.join());
            Applier.Result result;
            try (Progress progress = out.progress("Applying " + Counted.of(plan.changes().size(), "change", "changes"))) {
                result = Applier.apply(etcd, plan, author, new Applier.Options(maxTxnOps, maxRequestBytes, allowSplit,
                        records, "apply"));
            }
            show(out, result);
            return result.outcome() == Applier.Outcome.APPLIED || result.outcome() == Applier.Outcome.NOTHING_TO_DO ? 0 : 1;
        } finally {
            release(etcd);
        }
    }

    static void show(Output out, Applier.Result result) {
        if (out.json()) {
            JsonArrayBuilder conflicts = Jsonp.array();
            result.conflicts().forEach(c -> conflicts.add(Jsonp.object().add("key", c.key())
                    .add("plannedModRevision", c.planned()).add("modRevision", c.now()).add("changedBy", c.who())));
            JsonArrayBuilder revisions = Jsonp.array();
            result.revisions().forEach(revisions::add);
            JsonArrayBuilder records = Jsonp.array();
            result.recordKeys().forEach(records::add);
            out.json(Jsonp.object().add("outcome", result.outcome().name().toLowerCase(java.util.Locale.ROOT))
                    .add("message", result.message()).add("revisions", revisions).add("changeRecords", records)
                    .add("conflicts", conflicts).build());
            return;
        }
        for (Applier.Conflict c : result.conflicts()) {
            out.line(out.red("  conflict: " + c.key()) + " had modification revision " + c.planned() + " in the plan, now "
                    + c.now() + ": " + c.who());
        }
        boolean ok = result.outcome() == Applier.Outcome.APPLIED || result.outcome() == Applier.Outcome.NOTHING_TO_DO;
        out.line(ok ? out.green(result.message()) : out.red(result.message()));
        if (!result.recordKeys().isEmpty()) {
            out.line("Change record: " + String.join(", ", result.recordKeys()));
        }
    }
}
