package io.etcdmp.cli.core;

import io.etcdmp.cli.core.FolderLayout.Entry;
import io.etcdmp.cli.core.FolderLayout.Folder;
import io.etcdmp.cli.core.FolderLayout.Problem;
import io.etcdmp.internal.cli.PropertyRules;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code etcdmp validate}: every document parses (the parser's line and column otherwise), no two keys of one
 * prefix give the same property, every property name is a valid MicroProfile Config name; run by {@code plan}
 * and {@code apply} first. Property names come from the config source's own code ({@link PropertyRules}).
 */
public final class Validation {
    private Validation() {
    }

    /** The errors (nothing may be applied while there is one) and warnings of a folder. */
    public record Report(List<Problem> errors, List<Problem> warnings, int keys, int documents) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    public static Report check(Folder folder) {
        List<Problem> errors = new ArrayList<>(folder.errors());
        List<Problem> warnings = new ArrayList<>(folder.warnings());
        Map<String, Map<String, Entry>> plainNames = new HashMap<>(); // prefix -> property -> the key giving it
        Map<String, Map<String, String>> documentNames = new HashMap<>(); // prefix -> property -> document
        int documents = 0;
        for (Entry e : folder.keys().values()) {
            if (e.document()) {
                documents++;
                PropertyRules.Parsed parsed = PropertyRules.parseDocument(e.relative(), e.value());
                if (!parsed.ok()) {
                    errors.add(new Problem(e.file(), "does not parse: " + parsed.error().orElseThrow()));
                    continue;
                }
                Map<String, String> names = documentNames.computeIfAbsent(e.prefix(), p -> new TreeMap<>());
                for (String name : parsed.properties().keySet()) {
                    PropertyRules.nameProblem(name).ifPresent(why -> errors.add(new Problem(e.file(),
                            "property '" + name + "' is not a valid MicroProfile Config name: " + why)));
                    names.putIfAbsent(name, e.relative());
                }
                continue;
            }
            String name = PropertyRules.propertyName(e.prefix(), e.key().getBytes(StandardCharsets.UTF_8)).orElse(null);
            if (name == null) {
                errors.add(new Problem(e.file(), "key '" + e.relative() + "' gives no property name (it ends with '/')"));
                continue;
            }
            PropertyRules.nameProblem(name).ifPresent(why -> errors.add(new Problem(e.file(),
                    "key '" + e.relative() + "' gives property '" + name + "', not a valid MicroProfile Config name: " + why)));
            Entry other = plainNames.computeIfAbsent(e.prefix(), p -> new HashMap<>()).putIfAbsent(name, e);
            if (other != null) {
                String a = other.relative().compareTo(e.relative()) < 0 ? other.relative() : e.relative();
                String b = a.equals(e.relative()) ? other.relative() : e.relative();
                errors.add(new Problem(e.file(), "keys '" + a + "' and '" + b
                        + "' both give property '" + name + "': only the one written last would count"));
            }
        }
        plainNames.forEach((prefix, names) -> names.forEach((name, e) -> {
            String document = documentNames.getOrDefault(prefix, Map.of()).get(name);
            if (document != null) {
                warnings.add(new Problem(e.file(), "key '" + e.relative() + "' overrides property '" + name
                        + "' of document " + document + " where it is listed in etcd.config.documents"));
            }
        }));
        Comparator<Problem> order = Comparator.comparing(Problem::file).thenComparing(Problem::message);
        errors.sort(order);
        warnings.sort(order);
        return new Report(errors, warnings, folder.keys().size(), documents);
    }
}
