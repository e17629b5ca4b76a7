package io.etcdmp.cli;

import io.etcdmp.cli.command.Etcdmp;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;

/** {@code java -jar etcd-microprofile-cli.jar <command>}: the {@code etcdmp} tool (docs/CONFIG-AS-CODE.md). */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // the library's and jetcd's log lines are for applications; the tool reports what matters itself
        Logger.getLogger("").setLevel(System.getenv("ETCDMP_DEBUG") != null ? Level.FINE : Level.SEVERE);
        PrintWriter out = new PrintWriter(System.out, false, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, false, StandardCharsets.UTF_8);
        Etcdmp.processExitsAfterRun(true);
        int code = Etcdmp.run(args, out, err, System.console() != null);
        System.exit(code);
    }
}
