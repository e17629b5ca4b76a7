package io.etcdmp.internal.config;

import io.etcdmp.internal.config.CacheFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cache file's format, checks and atomic write; no etcd needed. */
@Tag("unit")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CacheFileTest {
    static final List<String> PREFIXES = List.of("/config/application/", "/config/orders/");
    @TempDir
    Path dir;

    private static CacheFile.Content content(long revision) {
        return new CacheFile.Content(revision, Instant.parse("2026-12-02T01:00:00Z"), "http://127.0.0.1:2379", PREFIXES,
                List.of(Map.of("db.url", "jdbc:x", "odd name %", "line one\nline two\ttab \u00e9\u4e2d", "empty", ""),
                        Map.of("pool", "5")),
                List.of(Map.of(), Map.of("application.yaml", "db:\n  url: y\n")));
    }

    @Test
    void contentSurvivesARoundTripWithSpacesNewlinesPercentAndUnicode() throws Exception {
        CacheFile.Content read = CacheFile.decode(CacheFile.encode(content(42)), PREFIXES);
        assertThat(read).isEqualTo(content(42));
    }

    @Test
    void fileStatesFormatRevisionEndpointsPrefixesAndChecksumAndIsReadable() {
        String text = new String(CacheFile.encode(content(42)), StandardCharsets.UTF_8);
        assertThat(text).startsWith("etcd-microprofile config cache\nformat: 1\nrevision: 42\n")
                .contains("endpoints: http://127.0.0.1:2379\n", "prefix: 1 /config/orders/\n", "p 0 db.url jdbc:x\n")
                .containsPattern("\nchecksum: crc32c [0-9a-f]{8}\n$");
    }

    @Test
    void credentialsInAnEndpointNeverReachTheFile() {
        CacheFile.Content withUser = new CacheFile.Content(1, Instant.now(), "http://admin:s3cret@10.0.0.5:2379,http://10.0.0.6:2379",
                PREFIXES, List.of(Map.of(), Map.of()), List.of(Map.of(), Map.of()));
        String text = new String(CacheFile.encode(withUser), StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("s3cret").doesNotContain("admin").contains("endpoints: http://10.0.0.5:2379,http://10.0.0.6:2379");
    }

    @Test
    void aChangedByteIsRefusedAsCorrupt() {
        byte[] bytes = CacheFile.encode(content(42));
        String text = new String(bytes, StandardCharsets.UTF_8).replace("jdbc:x", "jdbc:z");
        assertThatThrownBy(() -> CacheFile.decode(text.getBytes(StandardCharsets.UTF_8), PREFIXES))
                .isInstanceOf(CacheFile.Unusable.class).hasMessageContaining("checksum does not match");
    }

    @Test
    void aTruncatedFileIsRefusedAsTruncated() {
        byte[] bytes = CacheFile.encode(content(42));
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length / 2);
        assertThatThrownBy(() -> CacheFile.decode(cut, PREFIXES)).isInstanceOf(CacheFile.Unusable.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> CacheFile.decode(new byte[0], PREFIXES)).hasMessageContaining("empty");
    }

    @Test
    void anotherFormatVersionIsRefusedNamingBothVersions() {
        String text = new String(CacheFile.encode(content(42)), StandardCharsets.UTF_8).replace("format: 1", "format: 2");
        assertThatThrownBy(() -> CacheFile.decode(text.getBytes(StandardCharsets.UTF_8), PREFIXES))
                .isInstanceOf(CacheFile.Unusable.class).hasMessageContaining("format version 2").hasMessageContaining("reads format version 1");
    }

    @Test
    void aFileWrittenForOtherPrefixesIsRefusedNamingThem() {
        assertThatThrownBy(() -> CacheFile.decode(CacheFile.encode(content(42)), List.of("/config/billing/")))
                .isInstanceOf(CacheFile.Unusable.class).hasMessageContaining("/config/orders/").hasMessageContaining("/config/billing/");
    }

    @Test
    void aForeignFileIsRefused() {
        assertThatThrownBy(() -> CacheFile.decode("db.url=x\n".getBytes(StandardCharsets.UTF_8), PREFIXES))
                .isInstanceOf(CacheFile.Unusable.class).hasMessageContaining("not an etcd-microprofile config cache");
    }

    @Test
    void writtenFileIsOwnerOnlyAndReplacesThePreviousOneLeavingNoTemporaryFile() throws Exception {
        Path file = dir.resolve("config.cache");
        CacheFile.write(file, CacheFile.encode(content(1)));
        CacheFile.write(file, CacheFile.encode(content(2)));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(CacheFile.read(file, PREFIXES).revision()).isEqualTo(2);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void aProcessKilledWhileWritingLeavesAValidFile() throws Exception {
        Path file = dir.resolve("config.cache");
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), CacheCrashWriter.class.getName(), file.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("WROTE 3")) {
                assertThat(line).as("the writer's output").startsWith("WROTE");
            }
            writer.destroyForcibly(); // SIGKILL, most likely while the fourth version is being written
            assertThat(writer.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        CacheFile.Content left = CacheFile.read(file, List.of("/config/application/"));
        assertThat(left.revision()).isGreaterThanOrEqualTo(3);
        assertThat(left.properties().get(0)).hasSize(40_000);
        CacheFile.removeLeftovers(file);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).as("a partly written temporary file is removed, the file stays").containsExactly(file);
        }
    }
}
