package io.etcdmp.cli.core;

import io.etcdmp.internal.cli.PropertyRules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The folder layout of configuration as code (docs/CONFIG-AS-CODE.md): the path of a folder below the root is
 * its etcd prefix ({@code <root>/config/orders/} holds the keys of {@code /config/orders/}); in it,
 * {@value #PLAIN_FILE} holds the plain keys (one {@code key=value} line each, the key below the prefix, which
 * may hold {@code /}), and every {@code .properties}, {@code .yaml}, {@code .yml} or {@code .json} file is the
 * document key of its file name, byte for byte. Files directly in the root, hidden files and folders, and
 * other files are no keys.
 */
public final class FolderLayout {
    /** The file of a prefix's plain keys; reserved: no document key may be named so. */
    public static final String PLAIN_FILE = "_keys.properties";

    private FolderLayout() {
    }

    /** A key the folder defines: its prefix, its value, the file it comes from, whether that file is a document. */
    public record Entry(String prefix, String key, byte[] value, String file, boolean document) {
        /** The key below its prefix. */
        public String relative() {
            return key.substring(prefix.length());
        }
    }

    /** A file and what is wrong with it (errors) or what the tool did about it (warnings). */
    public record Problem(String file, String message) {
        @Override
        public String toString() {
            return file + ": " + message;
        }
    }

    /** What a folder defines: keys (in no order), the prefixes it manages, its errors and warnings. */
    public record Folder(Path root, Map<String, Entry> keys, List<String> prefixes, List<Problem> errors,
                         List<Problem> warnings) {
        /** Only the keys under {@code only} (all when empty), managing exactly those prefixes. */
        public Folder restrict(List<String> only) {
            if (only.isEmpty()) {
                return this;
            }
            Map<String, Entry> kept = new HashMap<>();
            keys.forEach((k, e) -> {
                if (only.stream().anyMatch(k::startsWith)) {
                    kept.put(k, e);
                }
            });
            return new Folder(root, kept, List.copyOf(only), errors, warnings);
        }
    }

    /**
     * The prefixes of the folder under {@code root} (folders holding {@value #PLAIN_FILE} or a document), without
     * reading any file: quick, so that etcd can be read while the files are parsed.
     */
    public static List<String> prefixes(Path root) {
        TreeSet<String> prefixes = new TreeSet<>();
        for (Path folder : folders(root)) {
            if (folder.equals(root)) {
                continue;
            }
            try (Stream<Path> list = Files.list(folder)) {
                if (list.map(f -> f.getFileName().toString()).anyMatch(n -> !n.startsWith(".")
                        && (n.equals(PLAIN_FILE) || PropertyRules.isDocumentName(n)) && Files.isRegularFile(folder.resolve(n)))) {
                    prefixes.add(prefixOf(root, folder));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return List.copyOf(prefixes);
    }

    private static List<Path> folders(Path root) {
        if (!Files.isDirectory(root)) {
            throw new UncheckedIOException(root + " is not a folder", new NotDirectoryException(root.toString()));
        }
        // hidden folders are not entered: a work tree's .git holds thousands of files (half of an apply's folder read)
        List<Path> out = new ArrayList<>();
        try {
            Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult preVisitDirectory(Path dir, java.nio.file.attribute.BasicFileAttributes attrs) {
                    if (!dir.equals(root) && dir.getFileName().toString().startsWith(".")) {
                        return java.nio.file.FileVisitResult.SKIP_SUBTREE;
                    }
                    out.add(dir);
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
                    // a link to a folder is listed, not entered (inside() then refuses one that leads out of root)
                    if (attrs.isSymbolicLink() && !hidden(root, file) && Files.isDirectory(file)) {
                        out.add(file);
                    }
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(null);
        return out;
    }

    /** Reads {@code root}; problems are collected, never thrown (an unreadable root is an {@link UncheckedIOException}). */
    public static Folder read(Path root) {
        Map<String, Entry> keys = new HashMap<>();
        TreeSet<String> prefixes = new TreeSet<>();
        List<Problem> errors = new ArrayList<>();
        List<Problem> warnings = new ArrayList<>();
        List<Path> folders = folders(root); // first: it tells a missing root or a file as "is not a folder"
        Path real = realPath(root);
        for (Path folder : folders) {
            if (!inside(real, folder)) {
                errors.add(new Problem(root.relativize(folder) + "/", "a link to a folder outside " + root + ": refused"));
                continue;
            }
            List<Path> files;
            try (Stream<Path> list = Files.list(folder)) {
                files = list.filter(Files::isRegularFile).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String prefix = prefixOf(root, folder);
            if (prefix.indexOf('\uFFFD') >= 0) { // the name's bytes are not UTF-8: Java decoded them to U+FFFD
                errors.add(new Problem(root.relativize(folder) + "/", "the folder's name is not valid UTF-8: it would name "
                        + "another prefix in etcd"));
                continue;
            }
            for (Path file : files) {
                String name = file.getFileName().toString();
                String shown = root.relativize(file).toString();
                if (name.startsWith(".")) {
                    continue;
                }
                if (name.indexOf('\uFFFD') >= 0) {
                    errors.add(new Problem(shown, "the file's name is not valid UTF-8: it would name another key in etcd"));
                    continue;
                }
                if (!inside(real, file)) { // a pull request's link to a file of the machine (a password file, a key)
                    errors.add(new Problem(shown, "a link to a file outside " + root + ": refused"));
                    continue;
                }
                if (folder.equals(root)) {
                    warnings.add(new Problem(shown, "ignored: files directly in the root folder are no keys"));
                } else if (name.equals(PLAIN_FILE)) {
                    prefixes.add(prefix);
                    plainKeys(prefix, file, shown, keys, errors);
                } else if (PropertyRules.isDocumentName(name)) {
                    prefixes.add(prefix);
                    add(keys, errors, new Entry(prefix, prefix + name, bytes(file), shown, true));
                } else {
                    warnings.add(new Problem(shown, "ignored: neither " + PLAIN_FILE + " nor a document ("
                            + String.join(", ", PropertyRules.documentExtensions()) + ")"));
                }
            }
        }
        return new Folder(root, keys, List.copyOf(prefixes), errors, warnings);
    }

    private static void plainKeys(String prefix, Path file, String shown, Map<String, Entry> keys, List<Problem> errors) {
        PropertiesText.Read parsed;
        try {
            parsed = PropertiesText.read(bytes(file));
        } catch (IllegalArgumentException e) {
            errors.add(new Problem(shown, "does not parse: " + e.getMessage()));
            return;
        }
        parsed.repeated().forEach(r -> errors.add(new Problem(shown, r.message())));
        parsed.entries().forEach((relative, value) -> add(keys, errors,
                new Entry(prefix, prefix + relative, value.getBytes(StandardCharsets.UTF_8), shown, false)));
    }

    private static void add(Map<String, Entry> keys, List<Problem> errors, Entry entry) {
        Entry before = keys.putIfAbsent(entry.key(), entry);
        if (before != null) {
            errors.add(new Problem(entry.file(), "key " + entry.key() + " is also defined by " + before.file()));
        }
    }

    /** {@code <root>/config/orders} -> {@code /config/orders/}. */
    static String prefixOf(Path root, Path folder) {
        StringBuilder p = new StringBuilder("/");
        for (Path part : root.relativize(folder)) {
            if (!part.toString().isEmpty()) {
                p.append(part).append('/');
            }
        }
        return p.toString();
    }

    /** The folder of {@code prefix} below {@code root}. */
    public static Path folderOf(Path root, String prefix) {
        Path folder = root;
        for (String part : prefix.split("/")) {
            if (!part.isEmpty()) {
                folder = folder.resolve(part);
            }
        }
        return folder;
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when {@code path}, with every link resolved, lies under {@code realRoot}. */
    private static boolean inside(Path realRoot, Path path) {
        try {
            return path.toRealPath().startsWith(realRoot);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean hidden(Path root, Path dir) {
        for (Path part : root.relativize(dir)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
