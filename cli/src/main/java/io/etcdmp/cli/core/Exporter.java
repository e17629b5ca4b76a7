package io.etcdmp.cli.core;

import io.etcd.jetcd.KeyValue;
import io.etcdmp.internal.cli.PropertyRules;
import io.etcdmp.internal.cli.ToolConnection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code etcdmp export <prefix> <dir>}: the keys under a prefix as the folder layout ({@link FolderLayout}) in
 * {@code <dir>/<prefix path>/}: document keys (names ending in a document extension) as files of
 * their name, byte for byte; every other key in
 * {@value FolderLayout#PLAIN_FILE}, sorted, one a line. A plan of the folder then shows no change.
 */
public final class Exporter {
    private Exporter() {
    }

    /** What was written, and the keys that could not be (named with the reason). */
    public record Result(long revision, Path folder, int plainKeys, List<String> documents, List<String> skipped) {
    }

    public static Result export(ToolConnection etcd, String prefix, Path dir) {
        Map<String, byte[]> keys = new TreeMap<>();
        long revision = etcd.readPrefix(prefix, 0, page -> {
            for (KeyValue kv : page) {
                keys.put(kv.getKey().toString(StandardCharsets.ISO_8859_1), kv.getValue().getBytes());
            }
        });
        Path folder = FolderLayout.folderOf(dir, prefix);
        Map<String, String> plain = new TreeMap<>();
        List<String> documents = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        try {
            Files.createDirectories(folder);
            for (Map.Entry<String, byte[]> e : keys.entrySet()) {
                byte[] keyBytes = e.getKey().getBytes(StandardCharsets.ISO_8859_1);
                if (!PropertyRules.isUtf8(keyBytes)) {
                    skipped.add(e.getKey() + ": the key is not UTF-8");
                    continue;
                }
                String relative = new String(keyBytes, StandardCharsets.UTF_8).substring(prefix.length());
                // only a name with a document extension is read back as a document file (FolderLayout); a listed
                // name without one is no document to the library either: it stays a plain key
                boolean document = !relative.contains("/") && PropertyRules.isDocumentName(relative);
                if (relative.equals(FolderLayout.PLAIN_FILE) || relative.isEmpty() || relative.startsWith(".")) {
                    skipped.add(prefix + relative + ": its name is reserved by the folder layout");
                } else if (document) {
                    Files.write(folder.resolve(relative), e.getValue());
                    documents.add(relative);
                } else if (!PropertyRules.isUtf8(e.getValue())) {
                    skipped.add(prefix + relative + ": the value is not UTF-8 (a properties file holds text)");
                } else {
                    plain.put(relative, new String(e.getValue(), StandardCharsets.UTF_8));
                }
            }
            if (!plain.isEmpty() || documents.isEmpty()) {
                Files.writeString(folder.resolve(FolderLayout.PLAIN_FILE), PropertiesText.write(plain), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + folder + ": " + FileErrors.describe(e), e);
        }
        return new Result(revision, folder, plain.size(), documents, skipped);
    }
}
