package io.etcdmp.cli;

import io.etcdmp.cli.command.Etcdmp;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs etcdmp in this JVM, as {@code java -jar} would, and keeps its exit code and both outputs. */
final class Cli {
    private final List<String> connection;

    Cli(String... connection) {
        this.connection = List.of(connection);
    }

    static Cli at(String endpoints) {
        return new Cli("--endpoints", endpoints);
    }

    record Run(int code, String out, String err) {
        String all() {
            return out + "\n" + err;
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    /** {@code command args...}, with this CLI's connection options after the command name. */
    Run run(String command, String... args) {
        List<String> all = new ArrayList<>();
        all.add(command);
        all.addAll(connection);
        all.addAll(Arrays.asList(args));
        return raw(all.toArray(String[]::new));
    }

    /** Exactly these arguments. */
    static Run raw(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Etcdmp.run(args, new PrintWriter(out), new PrintWriter(err), false);
        return new Run(code, out.toString(), err.toString());
    }
}
