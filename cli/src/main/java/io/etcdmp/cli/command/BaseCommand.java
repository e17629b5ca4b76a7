package io.etcdmp.cli.command;

import io.etcdmp.cli.output.Output;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** What every command has: connection options, output options, its streams. */
abstract class BaseCommand implements Callable<Integer> {
    /** Set by {@code Main} when standard output is a terminal (colour, rewritten progress lines). */
    static volatile boolean terminal;

    @Mixin
    EtcdOptions connection;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    /** The streams of this run (the command object is reused from run to run: nothing of a run is kept). */
    Output out() {
        return new Output(spec.commandLine().getOut(), spec.commandLine().getErr(), output.json(), terminal);
    }
}
