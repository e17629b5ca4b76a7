package io.etcdmp.cli.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * The commit of {@code HEAD} and its author read from the repository's files, without running {@code git}
 * (a process start cost ~3 ms of a 100-key apply, twice the etcd transaction). Covers what a work tree or a CI
 * checkout holds: {@code .git} as a folder or a file ({@code git worktree}, submodules), a branch or a detached
 * {@code HEAD}, loose and packed refs, the commit as a loose object or undeltified in a pack. Anything else
 * (SHA-256 or reftable repositories, alternates, replace refs, a deltified commit, a non-UTF-8 commit, {@code GIT_DIR}
 * set) is left to {@code git} itself: {@link #read} then returns empty.
 */
final class GitHead {
    private static final int MAX_SYMREF_DEPTH = 5;

    private GitHead() {
    }

    /** HEAD's commit and author ({@code Name <email>}, as {@code git log --format='%an <%ae>'}), or empty: ask git. */
    static Optional<GitInfo> read(Path dotGit) throws IOException {
        if (System.getenv("GIT_DIR") != null || System.getenv("GIT_OBJECT_DIRECTORY") != null) {
            return Optional.empty();
        }
        Path gitDir = dotGit;
        if (Files.isRegularFile(dotGit)) {
            String link = Files.readString(dotGit, StandardCharsets.UTF_8).strip();
            if (!link.startsWith("gitdir:")) {
                return Optional.empty();
            }
            gitDir = dotGit.getParent().resolve(link.substring("gitdir:".length()).strip()).normalize();
        }
        Path common = gitDir;
        Path commonFile = gitDir.resolve("commondir");
        if (Files.isRegularFile(commonFile)) {
            common = gitDir.resolve(Files.readString(commonFile, StandardCharsets.UTF_8).strip()).normalize();
        }
        Path config = common.resolve("config");
        if (Files.isRegularFile(config)) {
            String text = Files.readString(config, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            if (text.contains("objectformat") || text.contains("refstorage")) {
                return Optional.empty();
            }
        }
        if (Files.isDirectory(common.resolve("refs/replace")) || Files.exists(common.resolve("objects/info/alternates"))
                || Files.exists(common.resolve("info/grafts"))) {
            return Optional.empty();
        }
        String commit = resolve(gitDir, common, "HEAD", 0);
        if (commit == null || !isSha1(commit)) {
            return Optional.empty();
        }
        byte[] object = object(common.resolve("objects"), commit);
        if (object == null) {
            return Optional.empty();
        }
        String author = author(object);
        return author == null ? Optional.empty() : Optional.of(new GitInfo(commit, author));
    }

    /** The object name a ref holds: per-work-tree first (HEAD), then the common folder, then packed-refs. */
    private static String resolve(Path gitDir, Path common, String ref, int depth) throws IOException {
        if (depth > MAX_SYMREF_DEPTH || ref.contains("..")) {
            return null;
        }
        for (Path dir : gitDir.equals(common) ? new Path[]{gitDir} : new Path[]{gitDir, common}) {
            Path file = dir.resolve(ref);
            if (Files.isRegularFile(file)) {
                String value = Files.readString(file, StandardCharsets.UTF_8).strip();
                return value.startsWith("ref:") ? resolve(gitDir, common, value.substring(4).strip(), depth + 1) : value;
            }
        }
        Path packed = common.resolve("packed-refs");
        if (Files.isRegularFile(packed)) {
            for (String line : Files.readAllLines(packed, StandardCharsets.UTF_8)) {
                if (line.length() > 41 && line.charAt(40) == ' ' && line.substring(41).equals(ref)) {
                    return line.substring(0, 40);
                }
            }
        }
        return null;
    }

    private static boolean isSha1(String s) {
        if (s.length() != 40) {
            return false;
        }
        for (int i = 0; i < 40; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** The content of commit {@code sha} (its header stripped), or null when it is not a plain commit found here. */
    private static byte[] object(Path objects, String sha) throws IOException {
        Path loose = objects.resolve(sha.substring(0, 2)).resolve(sha.substring(2));
        if (Files.isRegularFile(loose)) {
            byte[] raw;
            try (InputStream in = new InflaterInputStream(Files.newInputStream(loose))) {
                raw = in.readAllBytes();
            }
            int nul = 0;
            while (nul < raw.length && raw[nul] != 0) {
                nul++;
            }
            String header = new String(raw, 0, nul, StandardCharsets.US_ASCII);
            return header.startsWith("commit ") && nul < raw.length ? java.util.Arrays.copyOfRange(raw, nul + 1, raw.length) : null;
        }
        Path packs = objects.resolve("pack");
        if (!Files.isDirectory(packs)) {
            return null;
        }
        byte[] name = HexFormat.of().parseHex(sha);
        try (DirectoryStream<Path> idxs = Files.newDirectoryStream(packs, "pack-*.idx")) {
            for (Path idx : idxs) {
                long offset = offset(idx, name);
                if (offset >= 0) {
                    String file = idx.getFileName().toString();
                    return packed(idx.resolveSibling(file.substring(0, file.length() - 4) + ".pack"), offset);
                }
            }
        }
        return null;
    }

    /** The object's offset in the pack of index {@code idx} (version 2), -1 when it is not there. */
    private static long offset(Path idx, byte[] name) throws IOException {
        try (FileChannel ch = FileChannel.open(idx, StandardOpenOption.READ)) {
            MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            if (b.getInt(0) != 0xff744f63 || b.getInt(4) != 2) {
                throw new IOException("not a version 2 pack index: " + idx);
            }
            int first = name[0] & 0xff;
            int lo = first == 0 ? 0 : b.getInt(8 + 4 * (first - 1));
            int hi = b.getInt(8 + 4 * first);
            int count = b.getInt(8 + 4 * 255);
            int names = 8 + 256 * 4;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                int cmp = compare(b, names + 20 * mid, name);
                if (cmp == 0) {
                    int offsets = names + 20 * count + 4 * count;
                    int small = b.getInt(offsets + 4 * mid);
                    if (small >= 0) {
                        return small;
                    }
                    return b.getLong(offsets + 4 * count + 8 * (small & 0x7fffffff));
                }
                if (cmp < 0) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return -1;
        }
    }

    private static int compare(ByteBuffer b, int at, byte[] name) {
        for (int i = 0; i < 20; i++) {
            int c = Integer.compare(b.get(at + i) & 0xff, name[i] & 0xff);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** A commit stored whole in a pack (type 1); null for anything else (a delta: git itself reads it). */
    private static byte[] packed(Path pack, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(16);
            ch.read(head, offset);
            head.flip();
            int c = head.get() & 0xff;
            int type = (c >> 4) & 7;
            long size = c & 15;
            int shift = 4;
            while ((c & 0x80) != 0) {
                c = head.get() & 0xff;
                size |= (long) (c & 0x7f) << shift;
                shift += 7;
            }
            if (type != 1 || size > 1 << 24) {
                return null;
            }
            long data = offset + head.position();
            ByteBuffer compressed = ByteBuffer.allocate((int) Math.min(ch.size() - data, size + 1024));
            ch.read(compressed, data);
            Inflater inflater = new Inflater();
            try {
                inflater.setInput(compressed.array(), 0, compressed.position());
                byte[] out = new byte[(int) size];
                int n = 0;
                while (n < out.length && !inflater.finished()) {
                    int got = inflater.inflate(out, n, out.length - n);
                    if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                        return null;
                    }
                    n += got;
                }
                return n == out.length ? out : null;
            } catch (DataFormatException e) {
                throw new IOException("corrupt pack entry in " + pack, e);
            } finally {
                inflater.end();
            }
        }
    }

    /** {@code Name <email>} of the commit's author line; null when the commit is in another encoding than UTF-8. */
    private static String author(byte[] commit) {
        String author = null;
        int at = 0;
        while (at < commit.length && commit[at] != '\n') { // the header ends at the first empty line
            int end = at;
            while (end < commit.length && commit[end] != '\n') {
                end++;
            }
            String line = new String(commit, at, end - at, StandardCharsets.UTF_8);
            if (line.startsWith("author ")) {
                int gt = line.lastIndexOf('>');
                author = gt < 0 ? null : line.substring(7, gt + 1);
            } else if (line.startsWith("encoding ") && !line.substring(9).strip().equalsIgnoreCase("utf-8")) {
                return null;
            }
            at = end + 1;
        }
        return author;
    }
}
