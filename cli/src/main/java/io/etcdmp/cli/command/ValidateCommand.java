package io.etcdmp.cli.command;

import io.etcdmp.cli.core.Counted;
import io.etcdmp.cli.core.FolderLayout;
import io.etcdmp.cli.core.FolderLayout.Folder;
import io.etcdmp.cli.core.FolderLayout.Problem;
import io.etcdmp.cli.core.Validation;
import io.etcdmp.cli.output.Output;
import io.etcdmp.cli.core.Jsonp;
import jakarta.json.JsonArrayBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Checks a folder without etcd: documents parse (line and column of the first error), no two keys "
                + "of a prefix give one property, no key is defined twice, property names are valid MicroProfile Config names.",
                "Exit code: 0 valid, 1 errors."})
final class ValidateCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "DIR", description = "the folder (docs/CONFIG-AS-CODE.md)")
    Path dir;

    @Override
    public Integer call() {
        Output out = out(); // the connection options are accepted and unused: validate reads no etcd
        Folder folder = FolderLayout.read(dir);
        Validation.Report report = Validation.check(folder);
        if (out.json()) {
            out.json(Jsonp.object().add("valid", report.ok()).add("keys", report.keys())
                    .add("documents", report.documents()).add("prefixes", array(folder.prefixes()))
                    .add("errors", problems(report.errors())).add("warnings", problems(report.warnings())).build());
        } else {
            show(out, report);
            out.line(report.ok() ? out.green("Valid: ") + Counted.of(report.keys(), "key", "keys") + " ("
                    + Counted.of(report.documents(), "document", "documents") + ") in "
                    + Counted.of(folder.prefixes().size(), "prefix", "prefixes")
                    : out.red(Counted.of(report.errors().size(), "error", "errors")));
        }
        return report.ok() ? 0 : 1;
    }

    /** Prints the problems of a report; used by plan and apply before they go on. */
    static void show(Output out, Validation.Report report) {
        report.warnings().forEach(p -> out.note("warning: " + p));
        report.errors().forEach(p -> out.note(out.red("error: ") + p));
    }

    /** Validates for plan and apply: the folder, or a failure listing its errors. */
    static Folder validFolder(Output out, Path dir, List<String> only) {
        Folder folder = FolderLayout.read(dir).restrict(only);
        Validation.Report report = Validation.check(folder);
        show(out, report);
        if (!report.ok()) {
            throw new CommandFailure(dir + " is not valid: " + Counted.of(report.errors().size(), "error", "errors")
                    + ", nothing compared or written "
                    + "(etcdmp validate " + dir + " lists them)");
        }
        if (folder.prefixes().isEmpty()) {
            throw new CommandFailure(dir + " holds no prefix folder: put files in <dir>/config/<name>/ (docs/CONFIG-AS-CODE.md)");
        }
        return folder;
    }

    private static JsonArrayBuilder problems(List<Problem> problems) {
        JsonArrayBuilder a = Jsonp.array();
        problems.forEach(p -> a.add(Jsonp.object().add("file", p.file()).add("message", p.message())));
        return a;
    }

    private static JsonArrayBuilder array(List<String> values) {
        JsonArrayBuilder a = Jsonp.array();
        values.forEach(a::add);
        return a;
    }
}
