package io.etcdmp.cli.command;

import io.etcdmp.cli.core.EtcdState;
import io.etcdmp.cli.core.FolderLayout.Folder;
import io.etcdmp.cli.core.Plan;
import io.etcdmp.cli.core.PlanFile;
import io.etcdmp.cli.core.Planner;
import io.etcdmp.cli.output.Output;
import io.etcdmp.cli.output.Progress;
import io.etcdmp.internal.cli.ToolConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Compares a folder with etcd at one revision and shows what apply would do: keys added, changed "
                + "(old -> new), deleted (only with --prune), and for each document the properties it turns into.",
                "Exit code: 0 no changes, 2 changes pending, 1 error."})
final class PlanCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "DIR", description = "the folder (docs/CONFIG-AS-CODE.md)")
    Path dir;

    @Option(names = "--prefix", paramLabel = "PREFIX", description = "only these prefixes (repeat); default: every prefix folder")
    List<String> prefixes = new ArrayList<>();

    @Option(names = "--prune", description = "delete keys under the prefixes that the folder does not define")
    boolean prune;

    @Option(names = "--out", paramLabel = "FILE", description = "save the plan (revision, keys, digests; no values) for apply --plan")
    Path outFile;

    @Override
    public Integer call() {
        Output out = out();
        Folder folder = ValidateCommand.validFolder(out, dir, normalize(prefixes));
        try (ToolConnection etcd = connection.open()) {
            Plan plan = plan(out, etcd, folder, prune);
            PlanView.show(out, plan, output.secrets(), etcd.endpoints());
            if (outFile != null) {
                PlanFile.write(plan, etcd.endpoints(), outFile);
                out.note("Plan saved to " + outFile + " (revision " + plan.revision() + "): etcdmp apply --plan " + outFile);
            }
            return plan.hasChanges() ? 2 : 0;
        }
    }

    static Plan plan(Output out, ToolConnection etcd, Folder folder, boolean prune) {
        try (Progress progress = out.progress("Reading " + folder.prefixes().size() + " prefixes from etcd")) {
            EtcdState state = EtcdState.read(etcd, folder.prefixes());
            progress.detail(state.keys().size() + " keys");
            if (!state.notUtf8Keys().isEmpty()) {
                out.note("warning: " + state.notUtf8Keys().size() + " key(s) are not UTF-8 and are left alone");
            }
            return Planner.plan(folder, state, prune);
        }
    }

    static List<String> normalize(List<String> prefixes) {
        return prefixes.stream().map(p -> p.endsWith("/") ? p : p + "/").toList();
    }
}
