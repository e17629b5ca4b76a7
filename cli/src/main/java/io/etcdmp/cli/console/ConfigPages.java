package io.etcdmp.cli.console;

import io.etcdmp.cli.core.Counted;
import io.etcd.jetcd.KeyValue;
import io.etcdmp.cli.console.Console.Page;
import io.etcdmp.cli.core.EffectiveConfig;
import io.etcdmp.config.ConfigHistory;
import io.etcdmp.internal.cli.Layering;
import io.etcdmp.internal.cli.SecretNames;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The configuration pages: the prefixes under the config root, the keys of a prefix, the effective properties of
 * an application ({@link EffectiveConfig}: the config source's own layering), search, and a key's history
 * ({@code ConfigStore.history}) with a diff of two revisions. Values of secret-looking names are masked.
 */
final class ConfigPages {
    private ConfigPages() {
    }

    static Page index(Exchange x) {
        if (!x.param("app").isEmpty()) {
            return app(x, x.param("app"));
        }
        if (!x.param("prefix").isEmpty()) {
            return prefix(x, slash(x.param("prefix")));
        }
        String root = x.console().options().configRoot();
        String q = x.param("q").toLowerCase(Locale.ROOT);
        Map<String, Integer> prefixes = new TreeMap<>();
        List<List<String>> found = new ArrayList<>();
        long revision = x.etcd().readPrefix(root, 0, page -> {
            for (KeyValue kv : page) {
                String key = kv.getKey().toString(StandardCharsets.UTF_8);
                int slash = key.indexOf('/', root.length());
                String prefix = slash < 0 ? root : key.substring(0, slash + 1);
                prefixes.merge(prefix, 1, Integer::sum);
                if (!q.isEmpty() && found.size() < 500) {
                    String name = key.substring(prefix.length());
                    String stored = kv.getValue().toString(StandardCharsets.UTF_8);
                    String value = Masking.shown(x, key, stored);
                    if (key.toLowerCase(Locale.ROOT).contains(q) || (!Masking.secret(x, key)
                            && value.toLowerCase(Locale.ROOT).contains(q))) {
                        found.add(List.of(Html.a(historyUrl(prefix, name), key), Reveal.cell(x, key, null, 0, stored, value),
                                Long.toString(kv.getModRevision())));
                    }
                }
            }
        });
        List<List<String>> rows = new ArrayList<>();
        prefixes.forEach((p, n) -> rows.add(List.of(Html.a("/?prefix=" + Html.url(p), p), Integer.toString(n))));
        String live = "<p>At revision " + revision + ": " + Counted.of(prefixes.size(), "prefix", "prefixes") + " under " + Html.esc(root) + "</p>"
                + Html.table("prefixes", List.of("Prefix", "Keys"), rows)
                + (q.isEmpty() ? "" : "<h2>Keys matching \u201c" + Html.esc(x.param("q")) + "\u201d</h2>"
                + Html.table("search", List.of("Key", "Value", "Revision"), found));
        return new Page("Configuration", "", appForm("") + searchForm("", x.param("q")), live);
    }

    private static String appForm(String app) {
        return "<form method=\"get\" action=\"/\" class=\"bar\"><label>Application (mp.app.name) <input name=\"app\" value=\""
                + Html.esc(app) + "\" required></label><button type=\"submit\">Effective configuration</button></form>";
    }

    private static String searchForm(String hidden, String q) {
        return "<form method=\"get\" action=\"/\" class=\"bar\" role=\"search\">" + hidden
                + "<label>Search <input type=\"search\" name=\"q\" value=\"" + Html.esc(q) + "\"></label>"
                + "<button type=\"submit\">Search</button></form>";
    }

    /** Rows per page: a browser lays out 500 rows in well under a second; search narrows a large prefix. */
    static final int PAGE_ROWS = 500;

    private static int pageNumber(Exchange x) {
        try {
            return Math.max(0, Integer.parseInt(x.param("page")));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The rows of the page asked for ({@code page}, from 0). */
    static <T> List<T> page(Exchange x, List<T> rows) {
        int from = Math.min(rows.size(), pageNumber(x) * PAGE_ROWS);
        return rows.subList(from, Math.min(rows.size(), from + PAGE_ROWS));
    }

    /** "rows 501-1000; previous, next" when there is more than one page. */
    static String pager(Exchange x, String base, int total) {
        if (total <= PAGE_ROWS) {
            return "";
        }
        int n = pageNumber(x);
        int from = Math.min(total, n * PAGE_ROWS);
        return "; rows " + (from + 1) + "\u2013" + Math.min(total, from + PAGE_ROWS)
                + (n > 0 ? " " + Html.a(base + "&page=" + (n - 1), "\u2039 previous") : "")
                + (from + PAGE_ROWS < total ? " " + Html.a(base + "&page=" + (n + 1), "next \u203a") : "");
    }

    static String slash(String p) {
        return p.endsWith("/") ? p : p + "/";
    }

    static String historyUrl(String prefix, String name) {
        return "/history?prefix=" + Html.url(prefix) + "&name=" + Html.url(name);
    }

    static String valueCell(String value) {
        return SecretNames.MASK.equals(value) ? "<span class=\"masked\">" + Html.esc(value) + "</span>"
                : "<code>" + Html.esc(value) + "</code>";
    }

    private static boolean matches(String q, String name, String shown, boolean secret) {
        String l = q.toLowerCase(Locale.ROOT);
        return q.isEmpty() || name.toLowerCase(Locale.ROOT).contains(l)
                || (!secret && shown.toLowerCase(Locale.ROOT).contains(l));
    }

    private static Page prefix(Exchange x, String prefix) {
        String q = x.param("q");
        List<List<String>> rows = new ArrayList<>();
        TreeMap<String, KeyValue> keys = new TreeMap<>();
        long revision = x.etcd().readPrefix(prefix, 0, page -> page.forEach(kv -> keys.put(kv.getKey().toString(StandardCharsets.UTF_8), kv)));
        keys.forEach((key, kv) -> {
            String name = key.substring(prefix.length());
            String stored = kv.getValue().toString(StandardCharsets.UTF_8);
            String shown = Masking.shown(x, key, stored);
            if (matches(q, name, shown, Masking.secret(x, key))) {
                String actions = Html.a(historyUrl(prefix, name), "history")
                        + (x.canWrite() ? " " + Html.a("/edit?prefix=" + Html.url(prefix) + "&name=" + Html.url(name), "edit") : "");
                rows.add(List.of("<code>" + Html.esc(name) + "</code>", Reveal.cell(x, key, null, 0, stored, shown),
                        Long.toString(kv.getModRevision()), actions));
            }
        });
        String add = x.canWrite() ? "<p>" + Html.a("/edit?prefix=" + Html.url(prefix), "Add a key") + " \u00b7 "
                + Html.a("/upload", "Upload a folder or zip") + "</p>" : "";
        String base = "/?prefix=" + Html.url(prefix) + "&q=" + Html.url(q);
        return new Page(prefix, "<p>" + Html.a("/", "All prefixes") + "</p>", add
                + searchForm(Html.hidden("prefix", prefix), q), "<p>At revision " + revision + ": " + rows.size()
                + " of " + Counted.of(keys.size(), "key", "keys") + pager(x, base, rows.size()) + "</p>"
                + Html.table("keys", List.of("Key", "Value", "Revision", ""), page(x, rows)));
    }

    private static Page app(Exchange x, String app) {
        EffectiveConfig.View view = EffectiveConfig.of(x.etcd(), Map.of(Layering.APP_NAME, app));
        String q = x.param("q");
        List<List<String>> rows = new ArrayList<>();
        for (Layering.Property p : view.result().properties()) {
            String shown = Masking.shownProperty(x, p.name(), p.value());
            if (!matches(q, p.name(), shown, x.secrets().isSecret(p.name()))) {
                continue;
            }
            StringBuilder over = new StringBuilder();
            for (Layering.Layer l : p.overrides()) {
                over.append("<div>").append(Html.esc(l.source())).append(": ")
                        .append(revealCell(x, l, p.name(), Masking.shownProperty(x, p.name(), l.value()))).append(" @").append(l.modRevision()).append("</div>");
            }
            rows.add(List.of("<code>" + Html.esc(p.name()) + "</code>", revealCell(x, p.from(), p.name(), shown), source(p.from(), p.name()),
                    Long.toString(p.from().modRevision()), over.toString()));
        }
        StringBuilder errors = new StringBuilder();
        view.result().documentErrors().forEach((k, v) -> errors.append(Html.message(false, "document " + k + " does not parse: " + v)));
        String live = "<p>Application <b>" + Html.esc(app) + "</b> at revision " + view.revision() + ": prefixes "
                + Html.esc(String.join(", ", view.sources().prefixes())) + " (lowest precedence first); "
                + Counted.of(rows.size(), "property", "properties") + pager(x, "/?app=" + Html.url(app) + "&q=" + Html.url(q), rows.size()) + "</p>"
                + errors + Html.table("effective", List.of("Property", "Value", "From", "Revision", "Overrides"), page(x, rows));
        return new Page("Effective configuration of " + app, "<p>" + Html.a("/", "All prefixes") + "</p>",
                appForm(app) + searchForm(Html.hidden("app", app), q), live);
    }

    /** An effective value's cell: a plain key's (its prefix + the name) or a property of a document key, revealable. */
    private static String revealCell(Exchange x, Layering.Layer from, String name, String shown) {
        return from.source().endsWith("/") ? Reveal.cell(x, from.key(), null, 0, from.value(), shown)
                : Reveal.cell(x, from.key(), name, 0, from.value(), shown);
    }

    /** The source cell: a link to the history of the key (a plain key of a prefix, or a document). */
    private static String source(Layering.Layer from, String name) {
        String s = from.source();
        if (s.endsWith("/")) { // the history of the key that holds it (db/secret for db.secret)
            String key = from.key();
            return Html.a(historyUrl(s, key.startsWith(s) ? key.substring(s.length()) : name), s);
        }
        int slash = s.lastIndexOf('/');
        return slash < 0 ? Html.esc(s) : Html.a(historyUrl(s.substring(0, slash + 1), s.substring(slash + 1)), s);
    }

    static Page history(Exchange x) {
        String prefix = slash(x.param("prefix"));
        String name = x.param("name");
        ConfigHistory history = x.etcd().store(prefix).history(name, 1000);
        boolean secret = Masking.secret(x, prefix + name);
        List<List<String>> rows = new ArrayList<>();
        for (ConfigHistory.Entry e : history.entries()) {
            String v = e.value().map(s -> Masking.shown(x, prefix + name, s)).orElse("(not UTF-8)");
            String actions = x.canWrite() ? Html.form("/rollback", x.csrf(), Html.hidden("prefix", prefix) + Html.hidden("name", name)
                    + Html.hidden("revision", Long.toString(e.modRevision())) + Html.hidden("expect",
                    Long.toString(history.entries().get(0).modRevision())), "Roll back to this", "inline") : "";
            rows.add(List.of(Long.toString(e.modRevision()), Long.toString(e.version()),
                    Reveal.cell(x, prefix + name, null, e.modRevision(), e.value().orElse(null), v), actions));
        }
        String end = switch (history.end()) {
            case CREATED -> "Complete: the oldest entry created the key.";
            case COMPACTED -> "etcd compacted revision " + history.compactedRevision() + ": older values are gone.";
            case ABSENT -> "The key has no value now.";
            case LIMIT -> "Only the newest 1000 entries.";
        };
        String diff = diff(x, history, prefix + name, secret);
        String live = Html.table("history", List.of("Revision", "Version", "Value", ""), rows) + "<p>" + Html.esc(end) + "</p>" + diff;
        String form = "<form method=\"get\" action=\"/history\" class=\"bar\">" + Html.hidden("prefix", prefix) + Html.hidden("name", name)
                + "<label>Diff revision <input name=\"a\" size=\"8\" value=\"" + Html.esc(x.param("a")) + "\"></label>"
                + "<label> with <input name=\"b\" size=\"8\" value=\"" + Html.esc(x.param("b")) + "\"></label>"
                + "<button type=\"submit\">Diff</button></form>";
        return new Page("History of " + prefix + name, "<p>" + Html.a("/?prefix=" + Html.url(prefix), prefix) + "</p>", form, live);
    }

    private static String diff(Exchange x, ConfigHistory history, String key, boolean secret) {
        if (x.param("a").isEmpty() || x.param("b").isEmpty()) {
            return "";
        }
        Optional<String> a = valueAt(history, x.param("a"));
        Optional<String> b = valueAt(history, x.param("b"));
        if (a.isEmpty() || b.isEmpty()) {
            return Html.message(false, "Revision " + (a.isEmpty() ? x.param("a") : x.param("b")) + " is not in this history");
        }
        if (secret) {
            return Html.message(true, a.get().equals(b.get()) ? "The values are equal (masked)." : "The values differ (masked).");
        }
        return "<h2>Diff " + Html.esc(x.param("a")) + " \u2192 " + Html.esc(x.param("b")) + "</h2>" + Diff.html(Masking.shown(x, key, a.get()), Masking.shown(x, key, b.get()));
    }

    private static Optional<String> valueAt(ConfigHistory history, String revision) {
        for (ConfigHistory.Entry e : history.entries()) {
            if (Long.toString(e.modRevision()).equals(revision.strip())) {
                return e.value();
            }
        }
        return Optional.empty();
    }
}
