package io.etcdmp.cli.command;

import io.etcdmp.cli.console.Console;
import io.etcdmp.cli.core.ChangeRecords;
import io.etcdmp.internal.cli.ToolConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;

@Command(name = "console", mixinStandardHelpOptions = true,
        description = {"Serves the operator console (docs/CONSOLE.md): the configuration (prefixes, effective properties "
                + "of an application, history and diffs), the registry and the change log, live; with --write, logged-in "
                + "etcd users edit keys, roll back, apply uploaded folders and take instances out of rotation.",
                "Prints its URL and runs until stopped. Exit code: 1 when it cannot start."})
final class ConsoleCommand extends BaseCommand {
    @Option(names = "--port", defaultValue = "8090", description = "port (default ${DEFAULT-VALUE}; 0: any free one)")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "address to listen on (default ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--allowed-host", paramLabel = "NAME", description = "a further name browsers may call the console by "
            + "(with --bind other than loopback, or behind a proxy): a host name or address, with a port (exactly that) or "
            + "without (the console's port, or none); repeatable (default: the loopback names and the --bind address only)")
    java.util.List<String> allowedHosts = new java.util.ArrayList<>();

    @Option(names = "--write", description = "allow changes, by operators logged in with an etcd user and password")
    boolean write;

    @Option(names = "--config-root", paramLabel = "PREFIX", defaultValue = "/config/",
            description = "where the configuration prefixes are listed from (default ${DEFAULT-VALUE})")
    String configRoot;

    @Option(names = "--changes-prefix", paramLabel = "PREFIX", defaultValue = ChangeRecords.DEFAULT_PREFIX,
            description = "root of the change records (default ${DEFAULT-VALUE})")
    String changesPrefix;

    @Option(names = "--session-timeout", paramLabel = "DURATION", defaultValue = "15m",
            description = "a login ends after this long unused, e.g. 15m, 1h, 90s (default ${DEFAULT-VALUE})")
    String sessionTimeout;

    @Override
    public Integer call() throws Exception {
        var settings = connection.settings();
        Console.Options options = new Console.Options(bind, port, write, slash(configRoot), ToolConnection.registryPrefix(settings),
                slash(changesPrefix), duration(sessionTimeout), output.secrets(), settings, hosts(allowedHosts));
        Console.bindWarning(bind).ifPresent(out()::note);
        try (ToolConnection etcd = connection.open(); Console console = Console.start(options, etcd)) {
            out().line("etcdmp console at " + console.url() + (write ? " (--write: log in with an etcd user)" : " (read-only)")
                    + "; stop with Ctrl+C");
            console.join();
            return 0;
        }
    }

    private static java.util.List<String> hosts(java.util.List<String> names) {
        try {
            return names.stream().map(Console::allowedHost).toList();
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(e.getMessage());
        }
    }

    private static String slash(String p) {
        return p.endsWith("/") ? p : p + "/";
    }

    static Duration duration(String text) {
        String t = text.strip();
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new NumberFormatException();
            };
        } catch (RuntimeException e) {
            throw new CommandFailure("--session-timeout " + text + " is no duration: give e.g. 15m, 1h, 90s");
        }
    }
}
