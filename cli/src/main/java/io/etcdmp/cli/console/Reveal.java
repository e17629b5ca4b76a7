package io.etcdmp.cli.console;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcdmp.cli.console.Console.Page;
import io.etcdmp.cli.console.Routes.Result;
import io.etcdmp.internal.cli.Encryption;
import io.etcdmp.internal.cli.PropertyRules;
import io.etcdmp.internal.cli.ToolConnection;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Revealing one masked value ({@code POST /reveal}, {@code --write} only, logged in, with the CSRF token): the key
 * (its full name; optionally a {@code property} of a document key, then only that property; optionally a past
 * {@code revision}) is read with the logged-in operator's own etcd session, so etcd's roles decide; its value is
 * shown HTML-escaped on a page sent {@code no-store}. An encrypted value shows as stored (never decrypted). Every
 * reveal that gets this far (past the session and CSRF checks of {@link Routes}), done or refused, is logged at INFO
 * with the user and the key, never the value; a document with masked properties is revealed one property at a time.
 */
final class Reveal {
    private static final System.Logger LOG = System.getLogger(Reveal.class.getName());
    private static final Pattern UNPRINTABLE = Pattern.compile("[\\p{Cntrl}\\u0085\\u2028\\u2029]");

    private Reveal() {
    }

    /** The reveal route refused in a read-only console (no operator to read as). */
    static Result readOnly() {
        return Result.status(403, new Page("Read-only", "", "", Html.message(false, "This console is read-only: a masked "
                + "value can be revealed only with --write, by a logged-in etcd user allowed to read it")));
    }

    /** A masked value's reveal form(s): none unless the operator is logged in with --write. */
    static String forms(Exchange x, String key, String property, long revision, String stored, String shown) {
        if (!x.canWrite() || stored == null || stored.equals(shown)) {
            return "";
        }
        if (property == null && !Masking.secret(x, key) && !Encryption.isEncrypted(stored) && PropertyRules.isDocumentName(key)) {
            if (!PropertyRules.parseDocument(key, stored.getBytes(StandardCharsets.UTF_8)).ok()) {
                return form(x, key, null, revision); // its text is not shown at all: the whole key, to see why
            }
            StringBuilder b = new StringBuilder(); // a document with masked properties: one form per property
            hiddenProperties(x, key, stored).forEach(p -> b.append(form(x, key, p, revision)));
            return b.toString();
        }
        return form(x, key, property, revision);
    }

    private static List<String> hiddenProperties(Exchange x, String key, String stored) {
        PropertyRules.Parsed parsed = PropertyRules.parseDocument(key, stored.getBytes(StandardCharsets.UTF_8));
        List<String> names = new ArrayList<>();
        if (parsed.ok()) {
            new TreeMap<>(parsed.properties()).forEach((n, v) -> {
                if (x.secrets().isSecret(n) || Encryption.isEncrypted(v)) {
                    names.add(n);
                }
            });
        }
        return names;
    }

    private static String form(Exchange x, String key, String property, long revision) {
        String what = key + (property == null ? "" : " property " + property) + (revision > 0 ? " at revision " + revision : "");
        return "<form method=\"post\" action=\"/reveal\" class=\"inline reveal\">" + Html.hidden("csrf", x.csrf())
                + Html.hidden("key", key) + (property == null ? "" : Html.hidden("property", property))
                + (revision > 0 ? Html.hidden("revision", Long.toString(revision)) : "")
                + "<button type=\"submit\" aria-label=\"" + Html.esc("Reveal " + what) + "\">Reveal"
                + (property == null ? "" : " " + Html.esc(property)) + "</button></form>";
    }

    /** {@code POST /reveal}: the session and CSRF token are checked by {@link Routes}. */
    static Result reveal(Exchange x) {
        Sessions.Session session = x.session().orElseThrow();
        String user = LoginLimits.shown(session.user());
        String key = x.param("key");
        String property = x.param("property").isEmpty() ? null : x.param("property");
        long revision = revision(x.param("revision"));
        String what = key + (property == null ? "" : " property " + property) + (revision > 0 ? " at revision " + revision : "");
        String logged = UNPRINTABLE.matcher(what).replaceAll("?");
        if (revision < 0) {
            LOG.log(Level.INFO, "Console reveal refused: etcd user " + user + " asked for " + logged + " with a bad revision");
            return Result.status(400, new Page("Refused", "", "", Html.message(false, "The revision must be a positive "
                    + "number, not " + x.param("revision"))));
        }
        Console.Options o = x.console().options();
        List<String> roots = List.of(o.configRoot(), o.registryPrefix(), o.changesPrefix());
        if (roots.stream().noneMatch(r -> key.startsWith(r) && key.length() > r.length())) {
            LOG.log(Level.INFO, "Console reveal refused: etcd user " + user + " asked for " + logged + ", outside the roots");
            return Result.status(400, new Page("Refused", "", "", Html.message(false, "The key " + key + " is outside "
                    + String.join(", ", roots) + ": the console shows only those")));
        }
        ToolConnection etcd = session.etcd(); // the operator's own etcd user, never the console's
        List<KeyValue> kvs;
        try {
            GetOption get = revision > 0 ? GetOption.builder().withRevision(revision).build() : GetOption.DEFAULT;
            kvs = etcd.client().getKVClient().get(ByteSequence.from(key, StandardCharsets.UTF_8), get)
                    .get(etcd.requestTimeout().toMillis(), TimeUnit.MILLISECONDS).getKvs();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            boolean denied = Writes.permissionDenied(e);
            LOG.log(Level.INFO, "Console reveal refused: etcd user " + user + " asked for " + logged + ": "
                    + (denied ? "etcd denied the read" : "the read failed"));
            return Result.status(denied ? 403 : 502, new Page("etcd refused", back(key), "", Html.message(false,
                    "etcd refused to reveal " + what + " to " + user + ": " + etcd.failure("read", key, e).getMessage())));
        }
        if (kvs.isEmpty()) {
            LOG.log(Level.INFO, "Console reveal: etcd user " + user + " asked for " + logged + ": no value");
            return Result.status(404, new Page("No value", back(key), "", Html.message(false, key + " has no value"
                    + (revision > 0 ? " at revision " + revision : " now"))));
        }
        String value = kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
        long modRevision = kvs.get(0).getModRevision();
        if (property == null && PropertyRules.isDocumentName(key) && !Masking.secret(x, key) && !Encryption.isEncrypted(value)
                && !hiddenProperties(x, key, value).isEmpty()) {
            LOG.log(Level.INFO, "Console reveal refused: etcd user " + user + " asked for all of " + logged
                    + ", a document with masked properties");
            return Result.status(400, new Page("Refused", back(key), "", Html.message(false, key + " is a document with "
                    + "masked properties: they are revealed one at a time (name the property)")));
        }
        if (property != null) {
            PropertyRules.Parsed parsed = PropertyRules.parseDocument(key, value.getBytes(StandardCharsets.UTF_8));
            Map<String, String> properties = parsed.ok() ? parsed.properties() : Map.of();
            if (!properties.containsKey(property)) {
                LOG.log(Level.INFO, "Console reveal: etcd user " + user + " asked for " + logged + ": no such property");
                return Result.status(404, new Page("No value", back(key), "", Html.message(false, key
                        + (parsed.ok() ? " has no property " + property : " does not parse as a document"))));
            }
            value = properties.get(property);
        }
        LOG.log(Level.INFO, "Console reveal: etcd user " + user + " revealed " + logged + " (modification revision "
                + modRevision + ")");
        String live = "<p>" + Html.esc(what) + ", modification revision " + modRevision
                + (Encryption.isEncrypted(value) ? ": encrypted, shown as stored (the console never decrypts)" : "")
                + ":</p><pre class=\"revealed\"><code>" + Html.esc(value) + "</code></pre>"
                + "<p>Read as etcd user <b>" + Html.esc(user) + "</b>; this page is not cached, and the reveal is logged "
                + "(user and key, not the value).</p>";
        return Result.of(new Page("Revealed: " + what, back(key), "", live));
    }

    /** The {@code revision} parameter: 0 when absent (the current value), -1 when it is not a positive number. */
    private static long revision(String given) {
        if (given.isBlank()) {
            return 0;
        }
        try {
            long r = Long.parseLong(given.strip());
            return r > 0 ? r : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String back(String key) {
        int slash = key.lastIndexOf('/');
        return slash < 0 ? "" : "<p>" + Html.a(ConfigPages.historyUrl(key.substring(0, slash + 1), key.substring(slash + 1)),
                "History of " + key) + "</p>";
    }

    /** The masked cell with its reveal forms. */
    static String cell(Exchange x, String key, String property, long revision, String stored, String shown) {
        return ConfigPages.valueCell(shown) + forms(x, key, property, revision, stored, shown);
    }
}
