package io.etcdmp.cli.console;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.cli.console.Console.Page;
import io.etcdmp.cli.console.Routes.Result;
import io.etcdmp.cli.core.Applier;
import io.etcdmp.cli.core.ChangeRecords;
import io.etcdmp.cli.core.Plan;
import io.etcdmp.config.Rollback;
import io.etcdmp.internal.cli.PropertyRules;
import io.etcdmp.internal.cli.ToolConnection;
import org.eclipse.jetty.server.Response;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The console's writes, each through the command line's own code and guards: a key edit, add or delete is a
 * one-change {@link Plan} applied by {@link Applier} (compare on the modification revision the page showed,
 * change record in the same transaction; a conflict names the key and who changed it); a rollback is
 * {@code ConfigStore.rollback} with the revision the page showed, then its change record, as {@code etcdmp rollback}.
 */
final class Writes {
    static final String COMMAND = "console";
    private static final System.Logger LOG = System.getLogger(Writes.class.getName());

    private Writes() {
    }

    static Page loginPage(Exchange x, String message) {
        String form = "<form method=\"post\" action=\"/login\" class=\"login\"><label>etcd user <input name=\"user\" "
                + "autocomplete=\"username\" required></label><label>Password <input type=\"password\" name=\"password\" "
                + "autocomplete=\"current-password\" required></label><button type=\"submit\">Log in</button></form>";
        String why = x.console().options().write() ? "The console acts as this etcd user: etcd's roles decide what you may "
                + "read and change." : "This console is read-only (started without --write).";
        return new Page("Log in", "", (message.isEmpty() ? "" : Html.message(false, message)) + "<p>" + Html.esc(why) + "</p>"
                + (x.console().options().write() ? form : ""), "");
    }

    static Result login(Exchange x, Response response, String address) {
        String user = x.param("user").strip();
        String password = x.param("password");
        if (user.isEmpty() || password.isEmpty()) {
            return Result.status(400, loginPage(x, "Give an etcd user and its password"));
        }
        if (user.length() > LoginLimits.MAX_USER_CHARS) { // never remembered, logged or sent to etcd
            return Result.status(400, loginPage(x, "The etcd user name is " + user.length() + " characters, over the "
                    + "console's " + LoginLimits.MAX_USER_CHARS));
        }
        String shown = LoginLimits.shown(user);
        LoginLimits limits = x.console().loginLimits();
        long blocked = limits.begin(address, user);
        if (blocked > 0) { // etcd is not asked: the right password waits too
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(blocked + TimeUnit.SECONDS.toNanos(1) - 1));
            response.getHeaders().put("Retry-After", Long.toString(seconds));
            return Result.status(429, loginPage(x, "Too many failed logins from this address or for " + shown
                    + " (or logins being checked): try again in " + seconds + " s"));
        }
        ToolConnection etcd = null;
        boolean ended = false;
        try {
            Map<String, String> settings = new HashMap<>(x.console().options().settings());
            settings.put(ToolConnection.USER, user);
            settings.put(ToolConnection.PASSWORD, password);
            etcd = ToolConnection.open(settings);
            try {
                etcd.client().getKVClient().get(ByteSequence.from("/", StandardCharsets.UTF_8))
                        .get(etcd.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                if (!permissionDenied(e)) { // denied: the credentials are good; what this user may read is etcd's to decide
                    String message = etcd.failure("read", "/", e).getMessage().replace(user, shown); // names the user too
                    etcd.close();
                    etcd = null;
                    if (authenticationFailed(e)) {
                        long block = limits.failed(address, user);
                        ended = true;
                        if (block > 0) {
                            LOG.log(System.Logger.Level.WARNING, "Console logins of etcd user " + shown + " or from " + address
                                    + " blocked for " + TimeUnit.NANOSECONDS.toSeconds(block) + " s after "
                                    + LoginLimits.FAILURES + " failures within a minute");
                        }
                    }
                    return Result.status(401, loginPage(x, "etcd refused the login of " + shown + ": " + message));
                }
            }
            limits.succeeded(address, user);
            ended = true;
            x.session().ifPresent(previous -> x.console().sessions().end(previous)); // one session per browser
            Sessions.Session s;
            try {
                s = x.console().sessions().open(user, etcd);
            } catch (IllegalStateException stopping) {
                return Result.status(503, loginPage(x, stopping.getMessage()));
            }
            etcd = null; // the session's now
            Console.cookie(response, s.id());
            return Result.redirect("/");
        } finally {
            if (!ended) {
                limits.abandoned(address, user);
            }
            if (etcd != null) {
                etcd.close();
            }
        }
    }

    /** True when etcd refused the user name or password (not when it could not be reached). */
    static boolean authenticationFailed(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("authentication failed") || m.contains("invalid user ID or password")) {
                return true;
            }
        }
        return false;
    }

    static boolean permissionDenied(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("PERMISSION_DENIED")) { // grpc's StatusRuntimeException
                return true;
            }
            if (t instanceof io.etcd.jetcd.common.exception.EtcdException s
                    && s.getErrorCode() == io.etcd.jetcd.common.exception.ErrorCode.PERMISSION_DENIED) {
                return true;
            }
        }
        return false;
    }

    static Result logout(Exchange x, Response response) {
        x.session().ifPresent(s -> x.console().sessions().end(s));
        Console.cookie(response, null);
        return Result.redirect("/");
    }

    static Page editPage(Exchange x, String message) {
        String prefix = ConfigPages.slash(x.param("prefix"));
        String name = x.param("name");
        Optional<KeyValue> now = name.isEmpty() ? Optional.empty() : current(x.etcd(), prefix + name);
        String stored = now.map(kv -> kv.getValue().toString(StandardCharsets.UTF_8)).orElse(null);
        boolean secret = Masking.hides(x, prefix + name, stored); // a secret key, or a document with secrets in it
        String value = secret || stored == null ? "" : stored;
        long expect = now.map(KeyValue::getModRevision).orElse(0L);
        String fields = Html.hidden("prefix", prefix) + Html.hidden("expect", Long.toString(expect))
                + (name.isEmpty() ? "<label>Key below " + Html.esc(prefix) + " <input name=\"name\" required></label>"
                : Html.hidden("name", name)) + "<label>Value <textarea name=\"value\" rows=\"8\" cols=\"80\""
                + (secret && now.isPresent() ? " placeholder=\"(masked: type the new value)\"" : "") + ">" + Html.esc(value)
                + "</textarea></label><label>Why (kept in the change record) <input name=\"message\" size=\"60\"></label>";
        String delete = now.isPresent() ? Html.form("/delete", x.csrf(), Html.hidden("prefix", prefix) + Html.hidden("name", name)
                + Html.hidden("expect", Long.toString(expect)), "Delete " + prefix + name, "danger") : "";
        String title = name.isEmpty() ? "Add a key to " + prefix : "Edit " + prefix + name;
        return new Page(title, "<p>" + Html.a("/?prefix=" + Html.url(prefix), prefix) + "</p>",
                (message.isEmpty() ? "" : Html.message(false, message)) + Html.form("/edit", x.csrf(), fields, "Save", "edit")
                        + delete, now.map(kv -> "<p>Modification revision " + kv.getModRevision() + "</p>").orElse("<p>New key</p>"));
    }

    private static Optional<KeyValue> current(ToolConnection etcd, String key) {
        try {
            List<KeyValue> kvs = etcd.client().getKVClient().get(ByteSequence.from(key, StandardCharsets.UTF_8))
                    .get(etcd.requestTimeout().toMillis(), TimeUnit.MILLISECONDS).getKvs();
            return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.get(0));
        } catch (Exception e) {
            throw etcd.failure("read", key, e);
        }
    }

    static Result edit(Exchange x, boolean delete) {
        String prefix = ConfigPages.slash(x.param("prefix"));
        String name = x.param("name");
        if (name.isEmpty() || name.startsWith("/")) {
            throw new IllegalArgumentException("Give the key's name below " + prefix + " (not starting with /)");
        }
        long expect = Long.parseLong(x.param("expect"));
        String key = prefix + name;
        if (!delete && expect != 0 && x.param("value").isEmpty() && Masking.hides(x, key,
                current(x.etcd(), key).map(kv -> kv.getValue().toString(StandardCharsets.UTF_8)).orElse(null))) {
            throw new IllegalArgumentException(key + " is masked: type its new value (an empty one is not taken); nothing written");
        }
        Plan.Op op = delete ? Plan.Op.DELETE : expect == 0 ? Plan.Op.ADD : Plan.Op.CHANGE;
        byte[] after = delete ? null : x.param("value").getBytes(StandardCharsets.UTF_8);
        Plan plan = new Plan(0, COMMAND, List.of(prefix), false,
                List.of(new Plan.Change(op, key, null, after, expect, PropertyRules.isDocumentName(name))), 0, List.of());
        Applier.Result result = apply(x, plan, x.param("message"));
        if (result.outcome() == Applier.Outcome.APPLIED) {
            return Result.redirect("/?prefix=" + Html.url(prefix));
        }
        return Result.status(409, new Page("Not saved", "<p>" + Html.a("/edit?prefix=" + Html.url(prefix) + "&name="
                + Html.url(name), "Edit " + key + " again") + "</p>", "", outcome(result)));
    }

    /** What {@link Applier} said, with each conflict naming its key and who changed it. */
    static String outcome(Applier.Result result) {
        StringBuilder b = new StringBuilder();
        boolean ok = result.outcome() == Applier.Outcome.APPLIED || result.outcome() == Applier.Outcome.NOTHING_TO_DO;
        for (Applier.Conflict c : result.conflicts()) {
            b.append(Html.message(false, "Conflict: " + c.key() + " changed since you loaded it (modification revision "
                    + c.planned() + ", now " + c.now() + "): " + c.who()));
        }
        b.append(Html.message(ok, result.message()));
        result.recordKeys().forEach(r -> b.append("<p>Change record <code>").append(Html.esc(r)).append("</code></p>"));
        return b.toString();
    }

    static Applier.Result apply(Exchange x, Plan plan, String message) {
        String records = x.console().options().changesPrefix();
        for (String p : plan.prefixes()) {
            if (records.startsWith(p) || p.startsWith(records)) {
                throw new IllegalArgumentException("The change records' prefix " + records + " and the config prefix " + p
                        + " overlap: change records must live where no config source reads them");
            }
        }
        ToolConnection etcd = x.etcd();
        return Applier.apply(etcd, plan, ChangeRecords.Author.of(etcd, message, Optional.empty()),
                new Applier.Options(Applier.DEFAULT_MAX_TXN_OPS, Applier.DEFAULT_MAX_REQUEST_BYTES, false, records, COMMAND));
    }

    static Result rollback(Exchange x) throws Exception {
        String prefix = ConfigPages.slash(x.param("prefix"));
        String name = x.param("name");
        long revision = Long.parseLong(x.param("revision"));
        long expect = Long.parseLong(x.param("expect"));
        ToolConnection etcd = x.etcd();
        Rollback result = etcd.store(prefix).rollback(name, revision, expect);
        if (!result.done()) {
            return Result.status(409, new Page("Not rolled back", "<p>" + Html.a(ConfigPages.historyUrl(prefix, name),
                    "History of " + prefix + name) + "</p>", "", Html.message(false, result.reason())));
        }
        ChangeRecords.Author author = ChangeRecords.Author.of(etcd, "rollback to revision " + revision + ", written at revision "
                + result.revision(), Optional.empty());
        ChangeRecords.writeAfter(etcd, x.console().options().changesPrefix(), author, COMMAND,
                List.of(new ChangeRecords.KeyOp(prefix + name, "put")), result.revision());
        return Result.redirect(ConfigPages.historyUrl(prefix, name));
    }

    static Page uploadPage(Exchange x) {
        return Uploads.page(x);
    }

    static Result upload(Exchange x, org.eclipse.jetty.server.Request request) throws Exception {
        return Uploads.upload(x, request);
    }

    static Result apply(Exchange x) {
        Sessions.Session s = x.session().orElseThrow();
        Plan plan = s.staged();
        if (plan == null) {
            throw new IllegalStateException("No uploaded plan to apply: upload a folder or zip first");
        }
        s.stage(null);
        Applier.Result result;
        try {
            result = apply(x, plan, x.param("message"));
        } catch (EtcdMicroprofileException e) {
            s.stage(plan);
            throw e;
        }
        return Result.status(result.outcome() == Applier.Outcome.APPLIED ? 200 : 409,
                new Page("Applied", "", "", outcome(result)));
    }
}
