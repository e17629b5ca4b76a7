package io.etcdmp.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes test folders in the layout of docs/CONFIG-AS-CODE.md. */
final class Folders {
    private Folders() {
    }

    /** Writes {@code text} to {@code root/relative}, creating folders. */
    static Path write(Path root, String relative, String text) {
        try {
            Path file = root.resolve(relative);
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code count} plain keys {@code key-0000=value-0} ... in {@code root/<prefix>/_keys.properties}. */
    static void manyKeys(Path root, String prefixFolder, int count, int changed) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < count; i++) {
            b.append(String.format("key-%05d=value-%d%s%n", i, i, i == changed ? "-changed" : ""));
        }
        write(root, prefixFolder + "/_keys.properties", b.toString());
    }
}
