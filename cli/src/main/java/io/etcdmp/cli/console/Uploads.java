package io.etcdmp.cli.console;

import io.etcdmp.cli.core.Counted;
import io.etcdmp.cli.console.Console.Page;
import io.etcdmp.cli.console.Routes.Result;
import io.etcdmp.cli.core.FolderLayout;
import io.etcdmp.cli.core.Plan;
import io.etcdmp.cli.core.Planning;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Upload a folder (the browser sends its files as JSON: relative path and the bytes in base64) or a zip of one, laid out as
 * {@code etcdmp plan} reads folders (docs/CONFIG-AS-CODE.md): it is written to a temporary folder, planned by
 * {@link Planning} (validation included) and the plan kept in the session until the operator applies it
 * ({@link Writes#apply}: the plan's modification revisions are the guard, as {@code etcdmp apply --plan}).
 */
final class Uploads {
    /** The most an upload may be, sent and expanded (a zip's entries together). */
    static final long MAX_BYTES = 32L << 20;
    /** The most entries a zip, or files the page's list of a folder, may have. */
    static final int MAX_ENTRIES = 10_000;

    private Uploads() {
    }

    static Page page(Exchange x) {
        String form = "<form id=\"upload\" class=\"upload\" data-csrf=\"" + Html.esc(x.csrf()) + "\">"
                + "<label>A folder (config/&lt;name&gt;/_keys.properties, documents) <input type=\"file\" id=\"folder\" "
                + "webkitdirectory multiple></label><label>or a zip of it <input type=\"file\" id=\"zip\" accept=\".zip\"></label>"
                + "<label><input type=\"checkbox\" id=\"prune\"> delete keys the folder does not define (prune)</label>"
                + "<button type=\"submit\">Plan</button></form>";
        Plan plan = x.session().map(Sessions.Session::staged).orElse(null);
        String live = plan == null ? "<p>No plan yet.</p>" : planHtml(x, plan);
        return new Page("Upload, plan, apply", "", form, live);
    }

    private static String planHtml(Exchange x, Plan plan) {
        List<List<String>> rows = new ArrayList<>();
        for (Plan.Change c : plan.changes()) {
            rows.add(List.of(Html.esc(c.op().name().toLowerCase(java.util.Locale.ROOT)), "<code>" + Html.esc(c.key()) + "</code>",
                    c.before() == null ? "" : ConfigPages.valueCell(Masking.shown(x, c.key(), new String(c.before(), StandardCharsets.UTF_8))),
                    c.after() == null ? "" : ConfigPages.valueCell(Masking.shown(x, c.key(), new String(c.after(), StandardCharsets.UTF_8))),
                    Long.toString(c.modRevision())));
        }
        String apply = plan.hasChanges() ? Html.form("/apply", x.csrf(), "<label>Why (kept in the change record) <input "
                + "name=\"message\" size=\"60\"></label>", "Apply " + Counted.of(plan.changes().size(), "change", "changes"), "apply") : "";
        return "<p id=\"plan-summary\">Plan at revision " + plan.revision() + " for " + Html.esc(String.join(", ", plan.prefixes()))
                + ": " + plan.count(Plan.Op.ADD) + " to add, " + plan.count(Plan.Op.CHANGE) + " to change, "
                + plan.count(Plan.Op.DELETE) + " to delete, " + plan.unchanged() + " unchanged"
                + (plan.kept().isEmpty() ? "" : ", " + plan.kept().size() + " kept (not in the folder; prune deletes " + (plan.kept().size() == 1 ? "it)" : "them)")) + "</p>"
                + Html.table("plan", List.of("Op", "Key", "Before", "After", "Modification revision"), rows) + apply;
    }

    static Result upload(Exchange x, Request request) throws Exception {
        String type = String.valueOf(request.getHeaders().get("Content-Type"));
        boolean zip = type.startsWith("application/zip");
        long max = zip ? MAX_BYTES : MAX_BYTES / 3 * 4 + (1 << 20); // the page's list: the files' bytes in base64, and names
        long length = request.getLength();
        if (length > max) {
            throw new IllegalArgumentException("The upload is " + length + " bytes, over the console's " + MAX_BYTES + " bytes");
        }
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readNBytes((int) max + 1);
        }
        if (body.length > max) {
            throw new IllegalArgumentException("The upload is over the console's " + MAX_BYTES + " bytes");
        }
        Path dir = Files.createTempDirectory("etcdmp-console-upload");
        try {
            if (zip) {
                unzip(body, dir);
            } else {
                files(body, dir);
            }
            boolean prune = "1".equals(x.param("prune"));
            Planning.Result result = Planning.plan(x.etcd(), dir, List.of(), prune);
            if (!result.report().ok()) {
                StringBuilder b = new StringBuilder();
                result.report().errors().forEach(p -> b.append(Html.message(false, p.toString())));
                return Result.status(400, new Page("The upload is not valid", "", "", b + "<p>Nothing planned or written.</p>"));
            }
            Plan plan = result.plan().orElseThrow(() -> new IllegalArgumentException("The upload holds no prefix folder: put "
                    + "files in config/<name>/ (docs/CONFIG-AS-CODE.md)"));
            x.session().orElseThrow().stage(plan);
            return Result.redirect("/upload");
        } finally {
            delete(dir);
        }
    }

    /**
     * {@code {"files":[{"path":"config/orders/_keys.properties","data":"<base64 of the file's bytes>"}]}} (the page
     * sends each file's bytes, written as they are, so planned exactly as {@code etcdmp plan <dir>} reads them from
     * disk); {@code "content"} instead of {@code "data"}: the file as text, written UTF-8 (scripts).
     */
    private static void files(byte[] body, Path dir) throws IOException {
        JsonObject o;
        try (JsonReader r = Json.createReader(new ByteArrayInputStream(body))) {
            o = r.readObject();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("The upload is neither a zip nor the page's list of files: " + e.getMessage());
        }
        JsonValue list = o.get("files");
        if (list == null || list.getValueType() != JsonValue.ValueType.ARRAY) {
            throw new IllegalArgumentException("The upload's list has no \"files\" array; nothing planned");
        }
        if (list.asJsonArray().size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("The folder has more than " + MAX_ENTRIES + " files (" + list.asJsonArray().size()
                    + "); nothing planned");
        }
        List<String> paths = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        long total = 0;
        int index = 0;
        for (JsonValue v : list.asJsonArray()) { // all checked before anything is written
            String at = "files[" + index++ + "]";
            if (v.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new IllegalArgumentException("The upload's " + at + " is no object with \"path\" and \"data\"");
            }
            JsonObject f = v.asJsonObject();
            if (!(f.get("path") instanceof jakarta.json.JsonString p) || p.getString().isEmpty()) {
                throw new IllegalArgumentException("The upload's " + at + " has no \"path\" string");
            }
            String path = p.getString();
            byte[] content;
            try {
                content = f.containsKey("data") ? java.util.Base64.getDecoder().decode(f.getString("data"))
                        : f.getString("content").getBytes(StandardCharsets.UTF_8);
            } catch (IllegalArgumentException | NullPointerException | ClassCastException e) {
                throw new IllegalArgumentException("The upload's " + path + " has neither base64 \"data\" nor text \"content\"");
            }
            total += content.length;
            if (total > MAX_BYTES) {
                throw new IllegalArgumentException("The folder's files are over the console's " + MAX_BYTES + " bytes (at " + path
                        + "); nothing planned");
            }
            paths.add(path);
            contents.add(content);
        }
        for (int i = 0; i < paths.size(); i++) {
            write(dir, paths.get(i), contents.get(i));
        }
    }

    /** Expands a zip whole or not at all: at most {@link #MAX_ENTRIES} entries and {@link #MAX_BYTES} bytes together. */
    private static void unzip(byte[] body, Path dir) throws IOException {
        long total = 0;
        int entries = 0;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(body))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (++entries > MAX_ENTRIES) {
                    throw new IllegalArgumentException("The zip has more than " + MAX_ENTRIES + " entries; nothing planned");
                }
                if (!e.isDirectory()) {
                    byte[] content = zip.readNBytes((int) (MAX_BYTES - total) + 1);
                    total += content.length;
                    if (total > MAX_BYTES) {
                        throw new IllegalArgumentException("The zip expands to more than " + MAX_BYTES + " bytes (at "
                                + e.getName() + "); nothing planned");
                    }
                    write(dir, e.getName(), content);
                }
            }
        }
    }

    /** Writes {@code name} below {@code dir}; a name leading outside it ({@code ../}, absolute) is refused. */
    private static void write(Path dir, String name, byte[] content) throws IOException {
        Path file = dir.resolve(name.replace('\\', '/')).normalize();
        if (!file.startsWith(dir) || file.equals(dir) || name.startsWith("/")) {
            throw new IllegalArgumentException("The upload names a file outside its folder: " + name);
        }
        Files.createDirectories(file.getParent());
        Files.write(file, content);
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.getLogger(Uploads.class.getName()).log(System.Logger.Level.DEBUG, "Cannot delete " + dir, e);
        }
    }
}
