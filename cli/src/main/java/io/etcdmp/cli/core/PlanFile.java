package io.etcdmp.cli.core;

import io.etcdmp.cli.core.FolderLayout.Entry;
import io.etcdmp.cli.core.FolderLayout.Folder;
import io.etcdmp.cli.core.Plan.Change;
import io.etcdmp.cli.core.Plan.Op;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A saved plan ({@code plan --out plan.json}): the revision it was made at, the folder, its prefixes, and per
 * change the key, the operation, the modification revision the key had and the SHA-256 of the value to write.
 * No value is saved (a plan file never holds a secret): {@code apply --plan} reads them from the folder again
 * and refuses when one no longer matches its digest.
 */
public final class PlanFile {
    public static final String KIND = "etcdmp-plan";

    private PlanFile() {
    }

    public static void write(Plan plan, String endpoints, Path file) {
        JsonArrayBuilder changes = Jsonp.array();
        for (Change c : plan.changes()) {
            JsonObjectBuilder o = Jsonp.object().add("op", c.op().name().toLowerCase(Locale.ROOT)).add("key", c.key())
                    .add("modRevision", c.modRevision()).add("sha256", c.afterDigest()).add("document", c.document());
            if (c.document()) { // names only: a property's value, old or new, may be a secret
                JsonArrayBuilder properties = Jsonp.array();
                DocumentDiff.of(c.key(), c.before(), c.after()).forEach(p -> properties.add(Jsonp.object()
                        .add("op", p.op().name().toLowerCase(Locale.ROOT)).add("name", p.name())));
                o.add("properties", properties);
            }
            changes.add(o);
        }
        JsonArrayBuilder prefixes = Jsonp.array();
        plan.prefixes().forEach(prefixes::add);
        JsonObject o = Jsonp.object().add("kind", KIND).add("format", 1).add("revision", plan.revision())
                .add("endpoints", endpoints).add("dir", plan.dir()).add("prefixes", prefixes).add("prune", plan.prune())
                .add("unchanged", plan.unchanged()).add("changes", changes).build();
        try {
            Files.writeString(file, o.toString() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the plan to " + file + ": " + FileErrors.reason(e), e);
        }
    }

    /**
     * The saved plan with its values read from {@code folder} again; {@link IllegalStateException} naming the key
     * when the folder no longer holds what the plan was made from, or when the plan was made against other endpoints.
     */
    public static Plan read(Path file, Folder folder, String endpoints) {
        return load(file).plan(folder, endpoints);
    }

    /** A plan file read and parsed once: its folder first (to read it), then the plan over that folder. */
    public static final class Saved {
        private final Path file;
        private final JsonObject o;

        private Saved(Path file, JsonObject o) {
            this.file = file;
            this.o = o;
        }

        /** The folder the plan was made from. */
        public Path dir() {
            if (!(o.get("dir") instanceof jakarta.json.JsonString dir)) {
                throw new IllegalStateException(file + " is not a plan saved by etcdmp plan --out");
            }
            return Path.of(dir.getString());
        }

        /**
         * Per document key of the plan, the properties it adds, changes or removes, by name, with the new value from
         * {@code plan} (the one read from the folder); no old value (none is saved). A document of a plan file
         * written before names were saved has no entry.
         */
        public Map<String, List<DocumentDiff.Property>> documentProperties(Plan plan) {
            Map<String, byte[]> after = new HashMap<>();
            plan.changes().forEach(c -> after.put(c.key(), c.after()));
            Map<String, List<DocumentDiff.Property>> out = new HashMap<>();
            for (JsonValue v : o.getJsonArray("changes")) {
                JsonObject c = v.asJsonObject();
                if (!(c.get("properties") instanceof JsonArray names)) {
                    continue;
                }
                String key = c.getString("key");
                Map<String, String> values = DocumentDiff.properties(key, after.get(key));
                List<DocumentDiff.Property> properties = new ArrayList<>();
                for (JsonValue n : names) {
                    DocumentDiff.Op op = DocumentDiff.Op.valueOf(n.asJsonObject().getString("op").toUpperCase(Locale.ROOT));
                    String name = n.asJsonObject().getString("name");
                    properties.add(new DocumentDiff.Property(op, name, null, op == DocumentDiff.Op.DELETE ? null : values.get(name)));
                }
                out.put(key, List.copyOf(properties));
            }
            return out;
        }

        /** {@link PlanFile#read}. */
        public Plan plan(Folder folder, String endpoints) {
            if (!KIND.equals(o.getString("kind", "")) || o.getInt("format", 0) != 1) {
                throw new IllegalStateException(file + " is not a plan of format 1 saved by etcdmp plan --out");
            }
            if (!o.getString("endpoints", "").equals(endpoints)) {
                throw new IllegalStateException("The plan " + file + " was made against etcd at " + o.getString("endpoints", "?")
                        + ", not " + endpoints + ": apply it there, or plan again");
            }
            List<Change> changes = new ArrayList<>();
            for (JsonValue v : o.getJsonArray("changes")) {
                JsonObject c = v.asJsonObject();
                Op op = Op.valueOf(c.getString("op").toUpperCase(Locale.ROOT));
                String key = c.getString("key");
                Entry now = folder.keys().get(key);
                byte[] after = now == null ? null : now.value();
                String digest = after == null ? "" : Plan.digest(after);
                if (!digest.equals(c.getString("sha256"))) {
                    throw new IllegalStateException("The folder " + folder.root() + " changed since the plan was saved: key " + key
                            + (after == null ? " is no longer defined" : " has another value") + ". Make the plan again");
                }
                changes.add(new Change(op, key, null, after, c.getJsonNumber("modRevision").longValue(), c.getBoolean("document", false)));
            }
            List<String> prefixes = o.getJsonArray("prefixes").getValuesAs(jakarta.json.JsonString.class).stream()
                    .map(jakarta.json.JsonString::getString).toList();
            return new Plan(o.getJsonNumber("revision").longValue(), o.getString("dir"), prefixes, o.getBoolean("prune", false),
                    List.copyOf(changes), o.getInt("unchanged", 0), List.of());
        }
    }

    /** Reads and parses {@code file} (a failure naming it when it is no JSON object). */
    public static Saved load(Path file) {
        try (JsonReader reader = Jsonp.reader(Files.readString(file, StandardCharsets.UTF_8))) {
            return new Saved(file, reader.readObject());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the plan " + file + ": " + FileErrors.reason(e), e);
        } catch (JsonException | IllegalStateException e) {
            throw new IllegalStateException(file + " is not a plan saved by etcdmp plan --out: " + e.getMessage(), e);
        }
    }

    /** The folder the plan was made from. */
    public static Path dirOf(Path file) {
        try (JsonReader reader = Jsonp.reader(Files.readString(file, StandardCharsets.UTF_8))) {
            return Path.of(reader.readObject().getString("dir"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the plan " + file + ": " + FileErrors.reason(e), e);
        } catch (JsonException | IllegalStateException | NullPointerException | ClassCastException e) {
            throw new IllegalStateException(file + " is not a plan saved by etcdmp plan --out", e);
        }
    }
}
