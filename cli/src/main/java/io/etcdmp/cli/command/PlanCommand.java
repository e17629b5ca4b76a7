package io.etcdmp.cli.command;

import io.etcdmp.cli.core.Counted;
import io.etcdmp.cli.core.FolderLayout;
import io.etcdmp.cli.core.Plan;
import io.etcdmp.cli.core.PlanFile;
import io.etcdmp.cli.core.Planning;
import io.etcdmp.cli.output.Output;
import io.etcdmp.cli.output.Progress;
import io.etcdmp.internal.cli.ToolConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Compares a folder with etcd at one revision and shows what apply would do: keys added, changed "
                + "(old -> new), deleted (only with --prune), and for each document the properties it turns into.",
                "Exit code: 0 no changes, 2 changes pending, 1 error."})
final class PlanCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "DIR", description = "the folder (docs/CONFIG-AS-CODE.md)")
    Path dir;

    @Option(names = "--prefix", paramLabel = "PREFIX", description = "only these prefixes (repeat); default: every prefix folder")
    List<String> prefixes;

    @Option(names = "--prune", description = "delete keys under the prefixes that the folder does not define")
    boolean prune;

    @Option(names = "--out", paramLabel = "FILE", description = "save the plan (revision, keys, digests; no values) for apply --plan")
    Path outFile;

    @Override
    public Integer call() {
        Output out = out();
        try (ToolConnection etcd = connection.open()) {
            Plan plan = plan(out, etcd, dir, normalize(prefixes == null ? List.of() : prefixes), prune);
            PlanView.show(out, plan, output.secrets(), etcd.endpoints());
            if (outFile != null) {
                PlanFile.write(plan, etcd.endpoints(), outFile);
                out.note("Plan saved to " + outFile + " (revision " + plan.revision() + "): etcdmp apply --plan " + outFile);
            }
            return plan.hasChanges() ? 2 : 0;
        }
    }

    /** Validates the folder (its problems printed; a failure when invalid) and plans it against etcd. */
    static Plan plan(Output out, ToolConnection etcd, Path dir, List<String> only, boolean prune) {
        if (!only.isEmpty()) { // --prefix limits the plan: a prefix the folder does not hold would be pruned whole
            List<String> held = FolderLayout.prefixes(dir);
            for (String p : only) {
                if (held.stream().noneMatch(p::startsWith)) {
                    throw new CommandFailure("--prefix " + p + " is not a prefix of " + dir + " (nor below one): it holds "
                            + (held.isEmpty() ? "none" : String.join(", ", held)) + "; nothing planned or written");
                }
            }
        }
        Planning.Result result;
        try (Progress progress = out.progress("Reading " + dir + " and etcd")) {
            result = Planning.plan(etcd, dir, only, prune);
        }
        ValidateCommand.show(out, result.report());
        if (!result.report().ok()) {
            throw new CommandFailure(dir + " is not valid: " + Counted.of(result.report().errors().size(), "error", "errors")
                    + ", nothing written "
                    + "(etcdmp validate " + dir + " lists them)");
        }
        if (result.plan().isEmpty()) {
            throw new CommandFailure(dir + " holds no prefix folder: put files in <dir>/config/<name>/ (docs/CONFIG-AS-CODE.md)");
        }
        if (!result.notUtf8Keys().isEmpty()) {
            out.note("warning: " + Counted.of(result.notUtf8Keys().size(), "key is", "keys are") + " not UTF-8 and left alone");
        }
        return result.plan().get();
    }

    static List<String> normalize(List<String> prefixes) {
        return prefixes.stream().map(p -> p.endsWith("/") ? p : p + "/").toList();
    }
}
