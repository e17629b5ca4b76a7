package io.etcdmp.cli.command;

import io.etcdmp.cli.core.Counted;
import io.etcdmp.cli.core.DocumentDiff;
import io.etcdmp.cli.core.Plan;
import io.etcdmp.cli.core.Plan.Change;
import io.etcdmp.cli.output.Output;
import io.etcdmp.internal.cli.SecretNames;
import io.etcdmp.cli.core.Jsonp;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A plan for people (a diff: keys, and for documents the properties they turn into) or as JSON. */
final class PlanView {
    private PlanView() {
    }

    /** A property of a document that the change adds, changes or removes. */
    record PropertyChange(String op, String name, String before, String after) {
    }

    static void show(Output out, Plan plan, SecretNames secrets, String endpoints) {
        if (out.json()) {
            out.json(json(plan, secrets, endpoints).build());
            return;
        }
        out.line(out.bold("Plan against etcd at revision " + plan.revision() + " (" + endpoints + "), prefixes "
                + String.join(", ", plan.prefixes())));
        for (Change c : plan.changes()) {
            String name = Shown.relative(c.key(), plan.prefixes());
            String before = Shown.stored(secrets, name, c.before());
            String after = Shown.stored(secrets, name, c.after());
            switch (c.op()) {
                case ADD -> out.line(out.green("  + " + c.key() + (c.document() ? " (document)" : " = " + after)));
                case CHANGE -> out.line(out.yellow("  ~ " + c.key() + (c.document() ? " (document)" : ": " + before + " -> " + after)));
                case DELETE -> out.line(out.red("  - " + c.key() + " (deleted: --prune)"));
                default -> throw new IllegalStateException();
            }
            if (c.document()) {
                properties(out, properties(c, secrets));
            }
        }
        footer(out, plan);
    }

    /**
     * A saved plan as {@code apply --plan} has it: the changes the plan showed, with the new values (read from the
     * folder again) and without the old ones, which a plan file does not hold and apply does not read.
     *
     * @param documents per document key, the properties it adds, changes or removes ({@code PlanFile.Saved})
     */
    static void showSaved(Output out, Plan plan, Map<String, List<DocumentDiff.Property>> documents, SecretNames secrets,
                          String endpoints) {
        out.line(out.bold("Saved plan made against etcd at revision " + plan.revision() + " (" + endpoints + "), prefixes "
                + String.join(", ", plan.prefixes()) + " (old values are not saved in a plan file: etcdmp plan showed them)"));
        for (Change c : plan.changes()) {
            String after = Shown.stored(secrets, Shown.relative(c.key(), plan.prefixes()), c.after());
            switch (c.op()) {
                case ADD -> out.line(out.green("  + " + c.key() + (c.document() ? " (document)" : " = " + after)));
                case CHANGE -> out.line(out.yellow("  ~ " + c.key() + (c.document() ? " (document)" : " -> " + after)));
                case DELETE -> out.line(out.red("  - " + c.key() + " (deleted: --prune)"));
                default -> throw new IllegalStateException();
            }
            if (c.document()) {
                List<DocumentDiff.Property> saved = documents.get(c.key());
                if (saved == null) {
                    out.line("      (the plan file does not name the properties that change: etcdmp plan showed them)");
                } else {
                    properties(out, saved.stream().map(p -> new PropertyChange(p.op().name().toLowerCase(Locale.ROOT),
                            p.name(), null, Shown.value(secrets, p.name(), p.after()))).toList());
                }
            }
        }
        footer(out, plan);
    }

    private static void properties(Output out, List<PropertyChange> changes) {
        for (PropertyChange p : changes) {
            switch (p.op()) {
                case "add" -> out.line(out.green("      + " + p.name() + " = " + p.after()));
                case "change" -> out.line(out.yellow("      ~ " + p.name() + (p.before() == null ? "" : ": " + p.before())
                        + " -> " + p.after()));
                default -> out.line(out.red("      - " + p.name()));
            }
        }
    }

    private static void footer(Output out, Plan plan) {
        out.line(summary(plan));
        if (!plan.kept().isEmpty()) {
            boolean one = plan.kept().size() == 1;
            out.line(Counted.of(plan.kept().size(), "key", "keys") + " under the prefixes " + (one ? "is" : "are")
                    + " not in the folder and " + (one ? "stays (--prune deletes it): " : "stay (--prune deletes them): ")
                    + String.join(", ", plan.kept().subList(0, Math.min(10, plan.kept().size())))
                    + (plan.kept().size() > 10 ? ", ..." : ""));
        }
    }

    static String summary(Plan plan) {
        return plan.count(Plan.Op.ADD) + " to add, " + plan.count(Plan.Op.CHANGE) + " to change, "
                + plan.count(Plan.Op.DELETE) + " to delete, " + plan.unchanged() + " unchanged";
    }

    /** What a document change does to properties: the document code of the config source, before and after, masked. */
    static List<PropertyChange> properties(Change c, SecretNames secrets) {
        return DocumentDiff.of(c.key(), c.before(), c.after()).stream().map(p -> new PropertyChange(
                p.op().name().toLowerCase(Locale.ROOT), p.name(), Shown.value(secrets, p.name(), p.before()),
                Shown.value(secrets, p.name(), p.after()))).toList();
    }

    static JsonObjectBuilder json(Plan plan, SecretNames secrets, String endpoints) {
        JsonArrayBuilder changes = Jsonp.array();
        for (Change c : plan.changes()) {
            String name = Shown.relative(c.key(), plan.prefixes());
            JsonObjectBuilder o = Jsonp.object().add("op", c.op().name().toLowerCase(Locale.ROOT))
                    .add("key", c.key()).add("modRevision", c.modRevision()).add("document", c.document());
            if (!c.document()) { // a document's text may hold secrets: only its properties are shown, masked by name
                add(o, "before", Shown.stored(secrets, name, c.before()));
                add(o, "after", Shown.stored(secrets, name, c.after()));
            } else {
                JsonArrayBuilder props = Jsonp.array();
                for (PropertyChange p : properties(c, secrets)) {
                    JsonObjectBuilder po = Jsonp.object().add("op", p.op()).add("name", p.name());
                    add(po, "before", p.before());
                    add(po, "after", p.after());
                    props.add(po);
                }
                o.add("properties", props);
            }
            changes.add(o);
        }
        JsonArrayBuilder prefixes = Jsonp.array();
        plan.prefixes().forEach(prefixes::add);
        JsonArrayBuilder kept = Jsonp.array();
        plan.kept().forEach(kept::add);
        return Jsonp.object().add("revision", plan.revision()).add("endpoints", endpoints)
                .add("prefixes", prefixes).add("prune", plan.prune()).add("changes", changes)
                .add("summary", Jsonp.object().add("add", plan.count(Plan.Op.ADD))
                        .add("change", plan.count(Plan.Op.CHANGE)).add("delete", plan.count(Plan.Op.DELETE))
                        .add("unchanged", plan.unchanged()).add("kept", plan.kept().size()))
                .add("kept", kept);
    }

    static void add(JsonObjectBuilder o, String name, String value) {
        if (value != null) {
            o.add(name, value);
        }
    }
}
