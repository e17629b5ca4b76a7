package io.etcdmp.cli.output;

import jakarta.json.Json;
import jakarta.json.JsonStructure;
import jakarta.json.JsonWriter;
import jakarta.json.JsonWriterFactory;
import jakarta.json.stream.JsonGenerator;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

/**
 * Where a command writes: text for people on standard output (coloured only on a terminal, and never with
 * {@code NO_COLOR} set), or one JSON document for scripts ({@code --output json}); messages and progress on
 * standard error.
 */
public final class Output {
    private static final JsonWriterFactory PRETTY = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true));
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;
    private final boolean colour;
    private final boolean terminal;

    public Output(PrintWriter out, PrintWriter err, boolean json, boolean terminal) {
        this.out = out;
        this.err = err;
        this.json = json;
        this.terminal = terminal;
        this.colour = terminal && !json && System.getenv("NO_COLOR") == null && !"dumb".equals(System.getenv("TERM"));
    }

    public boolean json() {
        return json;
    }

    public boolean terminal() {
        return terminal;
    }

    public void line(String text) {
        out.println(text);
        out.flush();
    }

    /** A message for the person running the tool (standard error), in JSON mode too. */
    public void note(String text) {
        err.println(text);
        err.flush();
    }

    public void json(JsonStructure value) {
        StringWriter text = new StringWriter();
        try (JsonWriter writer = PRETTY.createWriter(text)) {
            writer.write(value);
        }
        out.println(text.toString().strip());
        out.flush();
    }

    public String green(String s) {
        return paint("32", s);
    }

    public String red(String s) {
        return paint("31", s);
    }

    public String yellow(String s) {
        return paint("33", s);
    }

    public String bold(String s) {
        return paint("1", s);
    }

    private String paint(String code, String s) {
        return colour ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }

    /** Rows as aligned columns, the first row the header. */
    public void table(List<List<String>> rows) {
        if (rows.isEmpty()) {
            return;
        }
        int columns = rows.get(0).size();
        int[] width = new int[columns];
        for (List<String> row : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                String cell = rows.get(r).get(i);
                b.append(i == columns - 1 ? cell : String.format("%-" + width[i] + "s  ", cell));
            }
            line(r == 0 ? bold(b.toString().stripTrailing()) : b.toString().stripTrailing());
        }
    }

    public Progress progress(String what) {
        return new Progress(err, what, terminal);
    }

    public PrintWriter err() {
        return err;
    }
}
