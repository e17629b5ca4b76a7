package io.etcdmp.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The one table the run prints: figure, value, baseline, ratio, bar, pass/miss. */
final class Report {
    /** One row. {@code ratio} is NaN where the bar is not a ratio; a row without a bar ({@link #context}) never misses. */
    record Row(String figure, String value, String baseline, double ratio, String bar, boolean pass, boolean judged) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /** A row with a bar: if it misses, the run fails ({@link #misses()}). */
    void add(String figure, String value, String baseline, double ratio, String bar, boolean pass) {
        rows.add(new Row(figure, value, baseline, ratio, bar, pass, true));
        System.out.println("[bench] " + figure + ": " + value + " | baseline " + baseline + " | " + bar
                + (pass ? " PASS" : " MISS"));
    }

    /** A row shown for context, with no bar: it neither passes nor misses. */
    void context(String figure, String value, String baseline, double ratio) {
        rows.add(new Row(figure, value, baseline, ratio, "(context)", true, false));
        System.out.println("[bench] " + figure + ": " + value + " | baseline " + baseline + " | context, no bar");
    }

    /** The rows with a bar that they missed. */
    List<Row> misses() {
        return rows.stream().filter(r -> r.judged() && !r.pass()).toList();
    }

    void note(String note) {
        notes.add(note);
        System.out.println("[bench] note: " + note);
    }

    List<Row> rows() {
        return rows;
    }

    static String ms(double millis) {
        return millis >= 100 ? String.format(Locale.ROOT, "%.0f ms", millis)
                : millis >= 1 ? String.format(Locale.ROOT, "%.2f ms", millis)
                : String.format(Locale.ROOT, "%.3f ms", millis);
    }

    static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /** A Markdown table (also readable as plain text). */
    String table() {
        StringBuilder out = new StringBuilder();
        out.append("| figure | measured | baseline (same run) | ratio | bar | result |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            String ratio = Double.isNaN(r.ratio()) ? "–" : String.format(Locale.ROOT, "%.2f×", r.ratio());
            out.append("| ").append(r.figure()).append(" | ").append(r.value()).append(" | ").append(r.baseline())
                    .append(" | ").append(ratio).append(" | ").append(r.bar()).append(" | ")
                    .append(!r.judged() ? "–" : r.pass() ? "pass" : "MISS").append(" |\n");
        }
        for (String note : notes) {
            out.append("\n- ").append(note);
        }
        return out.toString();
    }
}
