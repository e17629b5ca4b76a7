package io.etcdmp.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The one table the run prints: figure, value, baseline, ratio, bar, pass/miss. */
final class Report {
    /** One row. {@code ratio} is NaN where the bar is not a ratio. */
    record Row(String figure, String value, String baseline, double ratio, String bar, boolean pass) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    void add(String figure, String value, String baseline, double ratio, String bar, boolean pass) {
        rows.add(new Row(figure, value, baseline, ratio, bar, pass));
        System.out.println("[bench] " + figure + ": " + value + " | baseline " + baseline + " | " + bar
                + (pass ? " PASS" : " MISS"));
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
                    .append(r.pass() ? "pass" : "MISS").append(" |\n");
        }
        for (String note : notes) {
            out.append("\n- ").append(note);
        }
        return out.toString();
    }
}
