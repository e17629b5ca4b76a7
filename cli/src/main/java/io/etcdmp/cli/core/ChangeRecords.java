package io.etcdmp.cli.core;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcdmp.internal.cli.ToolConnection;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Change records: one JSON value per apply or rollback under a root no config prefix covers
 * ({@value #DEFAULT_PREFIX} by default), written in the same transaction as the change, so the record's
 * modification revision is the revision of the change. Key: {@code <root><UTC time>-<random>}; value:
 * <pre>{"format":1,"time":"2026-12-06T03:15:00.123Z","user":"alice","etcdUser":"ci","message":"...",
 *  "command":"apply","git":{"commit":"3f2a...","author":"Alice &lt;a@example.com&gt;"},"part":"1/1",
 *  "keys":[{"key":"/config/orders/db.url","op":"put"}]}</pre>
 */
public final class ChangeRecords {
    public static final String DEFAULT_PREFIX = "/config-changes/";
    private static final DateTimeFormatter KEY_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private ChangeRecords() {
    }

    /** A key changed by a record's change: {@code put} or {@code delete}. */
    public record KeyOp(String key, String op) {
    }

    /** Who made a change and why; {@code revision} is the change's etcd revision (0 before it is written). */
    public record Record(String key, long revision, String time, String user, Optional<String> etcdUser, String message,
                         String command, Optional<String> gitCommit, Optional<String> gitAuthor, String part,
                         List<KeyOp> keys) {
        /** One line for a conflict report: who, when, what for. */
        public String who() {
            return user + etcdUser.map(u -> " (etcd user " + u + ")").orElse("") + " at " + time + " by etcdmp " + command
                    + (message.isEmpty() ? "" : ": \"" + message + "\"");
        }
    }

    /** The author of a change: the OS user, the etcd user, the message, git commit and author of the folder. */
    public record Author(String user, Optional<String> etcdUser, String message, Optional<String> gitCommit,
                         Optional<String> gitAuthor) {
        public static Author of(ToolConnection etcd, String message, Optional<GitInfo> git) {
            return new Author(System.getProperty("user.name", "unknown"), etcd.user(), message == null ? "" : message,
                    git.map(GitInfo::commit), git.map(GitInfo::author));
        }
    }

    public static String newKey(String root, Instant now) {
        return root + KEY_TIME.format(now) + "-" + String.format("%06x", RANDOM.nextInt(1 << 24));
    }

    public static String json(Instant time, Author author, String command, String part, List<KeyOp> keys) {
        return json(time, author, command, part, keys, 0);
    }

    /**
     * A record written after its change ({@code rollback}: the library's own transaction), holding the change's
     * revision as {@code "revision"}; other records take theirs from their own modification revision.
     */
    public static String json(Instant time, Author author, String command, String part, List<KeyOp> keys, long revision) {
        JsonObjectBuilder o = Json.createObjectBuilder().add("format", 1).add("time", time.toString())
                .add("user", author.user());
        author.etcdUser().ifPresent(u -> o.add("etcdUser", u));
        o.add("message", author.message()).add("command", command);
        if (author.gitCommit().isPresent()) {
            JsonObjectBuilder git = Json.createObjectBuilder().add("commit", author.gitCommit().get());
            author.gitAuthor().ifPresent(a -> git.add("author", a));
            o.add("git", git);
        }
        o.add("part", part);
        if (revision > 0) {
            o.add("revision", revision);
        }
        JsonArrayBuilder list = Json.createArrayBuilder();
        keys.forEach(k -> list.add(Json.createObjectBuilder().add("key", k.key()).add("op", k.op())));
        return o.add("keys", list).build().toString();
    }

    /**
     * Writes the record of a change that was its own transaction (a rollback: {@code ConfigStore.rollback}) right
     * after it, naming the change's revision {@code written}; returns the record's key.
     */
    public static String writeAfter(ToolConnection etcd, String root, Author author, String command, List<KeyOp> keys,
                                    long written) throws Exception {
        Instant now = Instant.now();
        String recordKey = newKey(root, now);
        String json = json(now, author, command, "1/1", keys, written);
        ByteSequence k = ByteSequence.from(recordKey, StandardCharsets.UTF_8);
        etcd.client().getKVClient().txn().If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0)))
                .Then(Op.put(k, ByteSequence.from(json, StandardCharsets.UTF_8),
                        PutOption.DEFAULT))
                .commit().get(etcd.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return recordKey;
    }

    /** Every record under {@code root}, newest first; values that are not records are skipped. */
    public static List<Record> list(ToolConnection etcd, String root) {
        List<Record> out = new ArrayList<>();
        etcd.readPrefix(root, 0, page -> {
            for (KeyValue kv : page) {
                parse(kv).ifPresent(out::add);
            }
        });
        out.sort(Comparator.comparingLong(Record::revision).reversed());
        return out;
    }

    static Optional<Record> parse(KeyValue kv) {
        try (JsonReader reader = Json.createReader(new StringReader(kv.getValue().toString(StandardCharsets.UTF_8)))) {
            JsonObject o = reader.readObject();
            List<KeyOp> keys = new ArrayList<>();
            for (JsonValue v : o.getJsonArray("keys")) {
                JsonObject k = v.asJsonObject();
                keys.add(new KeyOp(k.getString("key"), k.getString("op", "put")));
            }
            JsonObject git = o.containsKey("git") ? o.getJsonObject("git") : null;
            long revision = o.containsKey("revision") ? o.getJsonNumber("revision").longValue() : kv.getModRevision();
            return Optional.of(new Record(kv.getKey().toString(StandardCharsets.UTF_8), revision,
                    o.getString("time", ""), o.getString("user", "unknown"), string(o, "etcdUser"), o.getString("message", ""),
                    o.getString("command", ""), git == null ? Optional.empty() : string(git, "commit"),
                    git == null ? Optional.empty() : string(git, "author"), o.getString("part", "1/1"), List.copyOf(keys)));
        } catch (JsonException | ClassCastException | NullPointerException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> string(JsonObject o, String name) {
        return o.get(name) instanceof JsonString s ? Optional.of(s.getString()) : Optional.empty();
    }
}
