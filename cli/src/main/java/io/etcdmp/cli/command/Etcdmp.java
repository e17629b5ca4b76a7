package io.etcdmp.cli.command;

import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.cli.core.FileErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;

/** The {@code etcdmp} command and its subcommands; exit codes 0 (done, no changes), 2 (plan: changes pending), 1 (error). */
@Command(name = "etcdmp", mixinStandardHelpOptions = true, version = "etcdmp 0.1.0-SNAPSHOT",
        description = "Configuration as code for etcd-microprofile: export, validate, plan and apply folders of properties, "
                + "YAML and JSON files to etcd prefixes in one guarded transaction, with change records; history, rollback, "
                + "the effective configuration of an application, the service registry. docs/CONFIG-AS-CODE.md",
        subcommands = {ExportCommand.class, ValidateCommand.class, PlanCommand.class, ApplyCommand.class, LogCommand.class,
                HistoryCommand.class, RollbackCommand.class, EffectiveCommand.class, ServicesCommand.class,
                InstancesCommand.class, ConsoleCommand.class, EncryptCommand.class, ReencryptCommand.class, CommandLine.HelpCommand.class, picocli.AutoComplete.GenerateCompletion.class},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:done; for plan: no changes", "2:plan: changes pending", "1:error (also a wrong command line)"})
public final class Etcdmp implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Give a command, e.g. etcdmp plan <dir>");
    }

    /** Built once: picocli's model of a dozen commands costs tens of milliseconds; it resets every option per run. */
    private static CommandLine shared;

    /**
     * For {@code Main}: the process exits when {@link #run} returns, so commands need not wait for their
     * connection's threads to end (~1 s per command); false again for runs inside a longer-lived JVM.
     */
    public static void processExitsAfterRun(boolean exits) {
        BaseCommand.processExitsAfterRun = exits;
    }

    /** Runs {@code args} writing to {@code out} and {@code err}; returns the exit code. One run at a time per JVM. */
    public static synchronized int run(String[] args, PrintWriter out, PrintWriter err, boolean terminal) {
        BaseCommand.terminal = terminal;
        if (shared == null) {
            shared = new CommandLine(new Etcdmp());
            shared.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(true);
        }
        CommandLine cli = shared;
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            err.println(usageMessage(e));
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
                err.println("See 'etcdmp " + (e.getCommandLine() == cli ? "" : e.getCommandLine().getCommandName() + " ") + "--help'");
            }
            err.flush();
            return 1;
        });
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            err.println("etcdmp " + c.getCommandName() + ": " + message(e));
            err.flush();
            return 1;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /**
     * The message of a wrong command line, without echoing what followed an unknown option: that may be a
     * password someone tried to give on the command line ({@code --password s3cret}), and CI logs keep stderr.
     */
    private static String usageMessage(CommandLine.ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException u) {
            List<String> options = u.getUnmatched().stream().filter(arg -> arg.startsWith("-"))
                    .map(arg -> arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg).toList();
            if (!options.isEmpty()) {
                return "Unknown option" + (options.size() > 1 ? "s" : "") + ": '" + String.join("', '", options) + "'"
                        + (options.contains("--password") ? " (a password is never an option: use --password-file)" : "");
            }
            return (u.getUnmatched().size() == 1 ? "Unexpected argument: 1" : "Unexpected arguments: " + u.getUnmatched().size())
                    + " more than the command takes";
        }
        return e.getMessage();
    }

    /** The message of an expected failure as it is; an I/O error in words (no class name); an unexpected one with its class. */
    private static String message(Exception e) {
        if (e instanceof UncheckedIOException u) {
            return FileErrors.message(u);
        }
        if (e instanceof IOException io) {
            return FileErrors.describe(io);
        }
        if (e instanceof CommandFailure || e instanceof EtcdMicroprofileException || e instanceof IllegalStateException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
