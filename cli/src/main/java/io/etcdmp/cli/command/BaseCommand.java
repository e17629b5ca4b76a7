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

    /** Set by {@code Main}: the process exits right after the command ({@link #release}). */
    static volatile boolean processExitsAfterRun;

    /**
     * Ends a command's use of its connection. Closing one waits until the client's threads have ended, Netty's
     * global executor included, whose quiet period makes that ~1 s: in the {@code etcdmp} process, which exits
     * right after the command (its writes already answered), the close runs on a daemon thread that the exit
     * ends, and the command does not wait for it.
     */
    static void release(io.etcdmp.internal.cli.ToolConnection etcd) {
        if (processExitsAfterRun) {
            Thread close = new Thread(etcd::close, "etcdmp-close");
            close.setDaemon(true);
            close.start();
        } else {
            etcd.close();
        }
    }

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
