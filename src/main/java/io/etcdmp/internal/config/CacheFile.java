package io.etcdmp.internal.config;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.zip.CRC32C;

/**
 * The last known good snapshot on disk ({@code etcd.config.cache-file}): a UTF-8 text file, one entry a
 * line, that the source starts from when etcd cannot be read. Format version {@value #FORMAT}:
 *
 * <pre>
 * etcd-microprofile config cache
 * format: 1
 * revision: 1234
 * written: 2026-12-02T02:00:00Z
 * endpoints: http://10.0.0.5:2379,http://10.0.0.6:2379
 * prefix: 0 /config/application/
 * p 0 db.url jdbc:postgresql://db/orders            (a property of prefix 0: name, value)
 * d 1 application.yaml db:%0A%20%20url:%20x%0A     (a document of prefix 1: its key name, its text)
 * checksum: crc32c 3f5a01b2                        (CRC-32C of every byte before this line)
 * </pre>
 *
 * Names and values are escaped: {@code %}, space, tab, CR, LF and other control characters as {@code %XX}.
 * No password or token is ever written (user info in an endpoint is left out); values are, so the file is
 * created owner-only ({@code 600}). Written atomically: a temporary file in the same folder, fsync, rename.
 */
final class CacheFile {
    static final int FORMAT = 1;
    static final String MAGIC = "etcd-microprofile config cache";
    /** CRC-32C, as etcd's own write-ahead log: it catches corruption and truncation; the file is not a security boundary. */
    private static final String CHECKSUM = "checksum: crc32c ";
    private static final FileAttribute<?> OWNER_ONLY = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private CacheFile() {
    }

    /**
     * What the file holds: per prefix, its plain properties (name -> value) and its documents (key name -> text).
     */
    record Content(long revision, Instant written, String endpoints, List<String> prefixes,
                   List<Map<String, String>> properties, List<Map<String, String>> documents) {
        int size() {
            return properties.stream().mapToInt(Map::size).sum() + documents.stream().mapToInt(Map::size).sum();
        }

        @Override
        public boolean equals(Object other) {
            return other == this || other instanceof Content that
                    && revision == that.revision
                    && Objects.equals(written, that.written)
                    && Objects.equals(endpoints, that.endpoints)
                    && Objects.equals(prefixes, that.prefixes)
                    && Objects.equals(properties, that.properties)
                    && Objects.equals(documents, that.documents);
        }

        @Override
        public int hashCode() {
            return Objects.hash(revision, written, endpoints, prefixes, properties, documents);
        }

        @Override
        public String toString() {
            return "Content[revision=" + revision
                    + ", written=" + written
                    + ", endpoints=" + endpoints
                    + ", prefixes=" + prefixes
                    + ", properties=" + properties
                    + ", documents=" + documents + "]";
        }
    }

    /** A file that is not served, and why. */
    static final class Unusable extends Exception {
        private static final long serialVersionUID = 1L;

        Unusable(String reason) {
            super(reason);
        }
    }

    static byte[] encode(Content content) {
        StringBuilder out = new StringBuilder(64 + content.size() * 48);
        out.append(MAGIC).append('\n');
        out.append("format: ").append(FORMAT).append('\n');
        out.append("revision: ").append(content.revision()).append('\n');
        out.append("written: ").append(content.written()).append('\n');
        out.append("endpoints: ").append(escape(withoutUserInfo(content.endpoints()))).append('\n');
        for (int i = 0; i < content.prefixes().size(); i++) {
            out.append("prefix: ").append(i).append(' ').append(escape(content.prefixes().get(i))).append('\n');
        }
        for (int i = 0; i < content.prefixes().size(); i++) {
            int index = i;
            content.properties().get(i).forEach((name, value) -> line(out, 'p', index, name, value));
            content.documents().get(i).forEach((name, text) -> line(out, 'd', index, name, text));
        }
        byte[] body = out.toString().getBytes(StandardCharsets.UTF_8);
        byte[] tail = (CHECKSUM + checksum(body, body.length) + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[body.length + tail.length];
        System.arraycopy(body, 0, all, 0, body.length);
        System.arraycopy(tail, 0, all, body.length, tail.length);
        return all;
    }

    /** The content of {@code bytes}, if it is a whole, unchanged file of this format written for {@code prefixes}. */
    static Content decode(byte[] bytes, List<String> prefixes) throws Unusable {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!text.startsWith(MAGIC + "\n")) {
            throw new Unusable(bytes.length == 0 ? "the file is empty" : "it is not an etcd-microprofile config cache file");
        }
        List<String> lines = List.of(text.split("\n", -1));
        String format = lines.size() > 1 ? lines.get(1) : "";
        if (!format.equals("format: " + FORMAT)) {
            throw new Unusable("it has " + (format.startsWith("format: ") ? "format version " + format.substring(8) : "no format version")
                    + "; this library reads format version " + FORMAT);
        }
        if (!KeyNames.isUtf8(bytes)) { // else the body measured again in UTF-8 is longer than the file (U+FFFD is 3 bytes)
            throw new Unusable("it is not valid UTF-8 (corrupt or edited)");
        }
        int checksumAt = text.lastIndexOf("\n" + CHECKSUM);
        if (checksumAt < 0 || !text.endsWith("\n")) {
            throw new Unusable("it is truncated (no checksum line at its end)");
        }
        int bodyBytes = text.substring(0, checksumAt + 1).getBytes(StandardCharsets.UTF_8).length;
        String expected = text.substring(checksumAt + 1 + CHECKSUM.length(), text.length() - 1);
        if (!checksum(bytes, bodyBytes).equals(expected)) {
            throw new Unusable("its checksum does not match its content (corrupt, truncated or edited)");
        }
        try {
            return parse(lines, prefixes);
        } catch (RuntimeException e) {
            throw new Unusable("a line does not parse (" + e.getMessage() + ")");
        }
    }

    private static Content parse(List<String> lines, List<String> expectedPrefixes) throws Unusable {
        long revision = 0;
        Instant written = Instant.EPOCH;
        String endpoints = "";
        List<String> prefixes = new ArrayList<>();
        List<Map<String, String>> properties = new ArrayList<>();
        List<Map<String, String>> documents = new ArrayList<>();
        for (String line : lines.subList(2, lines.size())) {
            if (line.startsWith("revision: ")) {
                revision = Long.parseLong(line.substring(10));
            } else if (line.startsWith("written: ")) {
                written = Instant.parse(line.substring(9));
            } else if (line.startsWith("endpoints: ")) {
                endpoints = unescape(line.substring(11));
            } else if (line.startsWith("prefix: ")) {
                prefixes.add(unescape(line.substring(8).split(" ", 2)[1]));
                properties.add(new LinkedHashMap<>());
                documents.add(new LinkedHashMap<>());
            } else if (line.startsWith("p ") || line.startsWith("d ")) {
                if (!prefixes.equals(expectedPrefixes)) {
                    break; // reported below
                }
                String[] parts = line.split(" ", 4);
                int index = Integer.parseInt(parts[1]);
                (line.charAt(0) == 'p' ? properties : documents).get(index).put(unescape(parts[2]), unescape(parts[3]));
            }
        }
        if (!prefixes.equals(expectedPrefixes)) {
            throw new Unusable("it was written for prefixes " + prefixes + ", not " + expectedPrefixes);
        }
        return new Content(revision, written, endpoints, prefixes, properties, documents);
    }

    /** Reads and checks the file. */
    static Content read(Path file, List<String> prefixes) throws Unusable {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new Unusable("it cannot be read (" + e + ")");
        }
        return decode(bytes, prefixes);
    }

    /**
     * Replaces {@code file} by {@code bytes} atomically: a reader (or a start after a crash at any point)
     * finds the previous file or the new one, whole.
     */
    static void write(Path file, byte[] bytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path temp = createTemp(dir, file);
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
            syncFolder(dir);
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * Temporary files a crash left beside {@code file} ({@code .<name>.<digits>.tmp}); they are never read.
     * Matched by name, not by a glob: the name may hold glob characters, and the files of {@code orders.v2}
     * ({@code .orders.v2.<digits>.tmp}), which another source may be writing, are not {@code orders}'s.
     */
    static void removeLeftovers(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        String prefix = tempPrefix(file);
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, p -> isTempOf(prefix, p.getFileName().toString()))) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
            }
        } catch (IOException | RuntimeException e) {
            // a folder we cannot list is reported by the write itself
        }
    }

    private static Path createTemp(Path dir, Path file) throws IOException {
        try {
            return Files.createTempFile(dir, tempPrefix(file), ".tmp", OWNER_ONLY);
        } catch (UnsupportedOperationException notPosix) {
            return Files.createTempFile(dir, tempPrefix(file), ".tmp");
        }
    }

    /** {@code <prefix><digits>.tmp}: what {@link Files#createTempFile} made for that prefix. */
    private static boolean isTempOf(String prefix, String name) {
        if (!name.startsWith(prefix) || !name.endsWith(".tmp") || name.length() <= prefix.length() + 4) {
            return false;
        }
        return name.substring(prefix.length(), name.length() - 4).chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static String tempPrefix(Path file) {
        return "." + file.getFileName() + ".";
    }

    /** The rename is durable only once the folder's entry is on disk. */
    private static void syncFolder(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            // not every platform can open a folder; the rename itself stands
        }
    }

    private static void line(StringBuilder out, char kind, int index, String name, String value) {
        out.append(kind).append(' ').append(index).append(' ').append(escape(name)).append(' ').append(escape(value)).append('\n');
    }

    /** Endpoints without any {@code user:password@}: a secret never goes into the file. */
    static String withoutUserInfo(String endpoints) {
        return List.of(endpoints.split(",")).stream().map(String::trim).map(e -> {
            try {
                URI uri = URI.create(e);
                return uri.getRawUserInfo() == null ? e : e.replace(uri.getRawUserInfo() + "@", "");
            } catch (IllegalArgumentException notUri) {
                int at = e.lastIndexOf('@');
                return at < 0 ? e : e.substring(at + 1);
            }
        }).collect(Collectors.joining(","));
    }

    static String escape(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean plain = c > ' ' && c != '%' && c != 0x7f;
            if (!plain && out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (out != null) {
                if (plain) {
                    out.append(c);
                } else {
                    out.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                }
            }
        }
        return out == null ? s : out.toString();
    }

    static String unescape(String s) {
        int at = s.indexOf('%');
        if (at < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length()).append(s, 0, at);
        for (int i = at; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String checksum(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return String.format("%08x", crc.getValue());
    }
}
