package io.etcdmp.cli.command;

import io.etcdmp.cli.core.Plan;
import io.etcdmp.cli.core.Plan.Change;
import io.etcdmp.cli.output.Output;
import io.etcdmp.internal.cli.PropertyRules;
import io.etcdmp.internal.cli.SecretNames;
import io.etcdmp.cli.core.Jsonp;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

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
                for (PropertyChange p : properties(c, secrets)) {
                    switch (p.op()) {
                        case "add" -> out.line(out.green("      + " + p.name() + " = " + p.after()));
                        case "change" -> out.line(out.yellow("      ~ " + p.name() + ": " + p.before() + " -> " + p.after()));
                        default -> out.line(out.red("      - " + p.name()));
                    }
                }
            }
        }
        out.line(summary(plan));
        if (!plan.kept().isEmpty()) {
            out.line(plan.kept().size() + " key(s) under the prefixes are not in the folder and stay (--prune deletes them): "
                    + String.join(", ", plan.kept().subList(0, Math.min(10, plan.kept().size())))
                    + (plan.kept().size() > 10 ? ", ..." : ""));
        }
    }

    static String summary(Plan plan) {
        return plan.count(Plan.Op.ADD) + " to add, " + plan.count(Plan.Op.CHANGE) + " to change, "
                + plan.count(Plan.Op.DELETE) + " to delete, " + plan.unchanged() + " unchanged";
    }

    /** What a document change does to properties: the document code of the config source, before and after. */
    static List<PropertyChange> properties(Change c, SecretNames secrets) {
        String name = c.key().substring(c.key().lastIndexOf('/') + 1);
        Map<String, String> before = c.before() == null ? Map.of() : PropertyRules.parseDocument(name, c.before()).properties();
        Map<String, String> after = c.after() == null ? Map.of() : PropertyRules.parseDocument(name, c.after()).properties();
        TreeSet<String> names = new TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        List<PropertyChange> out = new ArrayList<>();
        for (String n : names) {
            String b = before.get(n);
            String a = after.get(n);
            if (!Objects.equals(a, b)) {
                out.add(new PropertyChange(b == null ? "add" : a == null ? "delete" : "change", n,
                        Shown.value(secrets, n, b), Shown.value(secrets, n, a)));
            }
        }
        return out;
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
