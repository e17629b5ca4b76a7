package io.etcdmp.cli.core;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcdmp.internal.cli.ToolConnection;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
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
        // by hand: DateTimeFormatter's fraction printer goes through BigDecimal (~12 % of a 100-key apply's CPU)
        java.time.LocalDateTime t = java.time.LocalDateTime.ofInstant(now, ZoneOffset.UTC);
        StringBuilder key = new StringBuilder(root.length() + 27).append(root);
        pad(key, t.getYear(), 4);
        pad(key, t.getMonthValue(), 2);
        pad(key, t.getDayOfMonth(), 2).append('T');
        pad(key, t.getHour(), 2);
        pad(key, t.getMinute(), 2);
        pad(key, t.getSecond(), 2).append('.');
        pad(key, t.getNano() / 1_000_000, 3).append("Z-");
        String random = Integer.toHexString(RANDOM.nextInt(1 << 24));
        return key.append("0".repeat(6 - random.length())).append(random).toString();
    }

    private static StringBuilder pad(StringBuilder b, int value, int digits) {
        String s = Integer.toString(value);
        for (int i = s.length(); i < digits; i++) {
            b.append('0');
        }
        return b.append(s);
    }

    public static String json(Instant time, Author author, String command, String part, List<KeyOp> keys) {
        return json(time, author, command, part, keys, 0);
    }

    /**
     * A record written after its change ({@code rollback}: the library's own transaction), holding the change's
     * revision as {@code "revision"}; other records take theirs from their own modification revision.
     */
    public static String json(Instant time, Author author, String command, String part, List<KeyOp> keys, long revision) {
        // written by a generator: a builder per key (and the object tree) cost more than the writing itself
        java.io.StringWriter text = new java.io.StringWriter(256 + 48 * keys.size());
        try (jakarta.json.stream.JsonGenerator o = Jsonp.generator(text)) {
            o.writeStartObject().write("format", 1).write("time", time.toString()).write("user", author.user());
            author.etcdUser().ifPresent(u -> o.write("etcdUser", u));
            o.write("message", author.message()).write("command", command);
            if (author.gitCommit().isPresent()) {
                o.writeStartObject("git").write("commit", author.gitCommit().get());
                author.gitAuthor().ifPresent(a -> o.write("author", a));
                o.writeEnd();
            }
            o.write("part", part);
            if (revision > 0) {
                o.write("revision", revision);
            }
            o.writeStartArray("keys");
            for (KeyOp k : keys) {
                o.writeStartObject().write("key", k.key()).write("op", k.op()).writeEnd();
            }
            o.writeEnd().writeEnd();
        }
        return text.toString();
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
        try (JsonReader reader = Jsonp.reader(kv.getValue().toString(StandardCharsets.UTF_8))) {
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
