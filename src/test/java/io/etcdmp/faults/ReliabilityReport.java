package io.etcdmp.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Measurements of the reliability suites: each test appends rows (tab-separated) to
 * {@code target/reliability/<table>.tsv} (a table's file is started afresh by the first row of a JVM run);
 * {@link #main} renders every table into {@code docs/RELIABILITY.md} between the markers
 * {@code <!-- table:<name> -->} and {@code <!-- /table:<name> -->}. Run by {@code scripts/reliability-report.sh}.
 */
public final class ReliabilityReport {
    static final Path DIR = Path.of("target", "reliability");
    private static final Set<String> STARTED = new HashSet<>();

    private ReliabilityReport() {
    }

    /** Appends one row to {@code table}; cells must not contain tabs or newlines. */
    public static synchronized void row(String table, String... cells) {
        Path file = DIR.resolve(table + ".tsv");
        try {
            Files.createDirectories(DIR);
            String line = String.join("\t", cells) + "\n";
            if (STARTED.add(table)) {
                Files.writeString(file, line, StandardCharsets.UTF_8);
            } else {
                Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record a reliability measurement in " + file, e);
        }
    }

    /** Renders {@code target/reliability/*.tsv} into the marked sections of the given markdown file. */
    public static void main(String[] args) throws IOException {
        Path doc = Path.of(args.length > 0 ? args[0] : "docs/RELIABILITY.md");
        String text = Files.readString(doc, StandardCharsets.UTF_8);
        List<String> updated = new ArrayList<>();
        try (var files = Files.list(DIR)) {
            for (Path tsv : files.filter(f -> f.toString().endsWith(".tsv")).sorted().toList()) {
                String name = tsv.getFileName().toString().replace(".tsv", "");
                String open = "<!-- table:" + name + " -->";
                String close = "<!-- /table:" + name + " -->";
                int start = text.indexOf(open);
                int end = text.indexOf(close);
                if (start < 0 || end < start) {
                    System.err.println("no section " + open + " in " + doc + ": " + tsv + " not rendered");
                    continue;
                }
                List<String> rows = Files.readAllLines(tsv, StandardCharsets.UTF_8);
                StringBuilder table = new StringBuilder(open).append('\n');
                for (int i = 0; i < rows.size(); i++) {
                    table.append("| ").append(rows.get(i).replace("\t", " | ")).append(" |\n");
                    if (i == 0) {
                        table.append("|").append("---|".repeat(rows.get(0).split("\t", -1).length)).append('\n');
                    }
                }
                table.append("\n_Measured ").append(LocalDate.now()).append("; rendered from `target/reliability/").append(name)
                        .append(".tsv`._\n");
                text = text.substring(0, start) + table + text.substring(end);
                updated.add(name);
            }
        }
        Files.writeString(doc, text, StandardCharsets.UTF_8);
        System.out.println("Updated " + doc + ": " + updated);
    }
}
