package io.etcdmp.internal.config;

import io.etcdmp.support.Fuzz;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based tests (issue 21, "Fuzzed parsers") of the cache file: a file truncated, bit-flipped, with bytes
 * inserted or of random bytes is either read back exactly as written or refused as {@link CacheFile.Unusable}
 * with a reason ("not used", and the source starts as without one): never another exception, never other content.
 */
@Tag("unit")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CacheFileFuzzTest {
    private static final List<String> PREFIXES = List.of("/config/application/", "/config/orders/");

    /** Text as etcd values decode (valid UTF-8): no lone surrogates. */
    private static String text(Random r, int length) {
        return Fuzz.anyText(r, length).replaceAll("[\\ud800-\\udfff]", "s");
    }

    private static CacheFile.Content content(Random r) {
        List<Map<String, String>> properties = List.of(new LinkedHashMap<>(), new LinkedHashMap<>());
        List<Map<String, String>> documents = List.of(new LinkedHashMap<>(), new LinkedHashMap<>());
        int n = r.nextInt(20);
        for (int i = 0; i < n; i++) {
            properties.get(r.nextInt(2)).put(text(r, 1 + r.nextInt(8)), text(r, r.nextInt(30)));
        }
        if (r.nextBoolean()) {
            documents.get(1).put("application.yaml", "db:\n  url: " + text(r, 10) + "\n");
        }
        return new CacheFile.Content(r.nextInt(1_000_000), Instant.ofEpochSecond(1_700_000_000L + r.nextInt(1_000_000)),
                "http://127.0.0.1:2379", PREFIXES, properties, documents);
    }

    private static byte[] damaged(Random r, byte[] file) {
        return switch (r.nextInt(6)) {
            case 5 -> { // bytes that are not UTF-8 inserted
                int at = r.nextInt(file.length + 1);
                int n = 1 + r.nextInt(60);
                byte[] out = new byte[file.length + n];
                System.arraycopy(file, 0, out, 0, at);
                Arrays.fill(out, at, at + n, (byte) (0x80 + r.nextInt(0x80)));
                System.arraycopy(file, at, out, at + n, file.length - at);
                yield out;
            }
            case 0 -> Arrays.copyOf(file, r.nextInt(file.length + 1)); // truncated
            case 1 -> { // bits flipped
                byte[] out = file.clone();
                int flips = 1 + r.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    int at = r.nextInt(out.length);
                    out[at] ^= (byte) (1 << r.nextInt(8));
                }
                yield out;
            }
            case 2 -> { // a byte inserted
                int at = r.nextInt(file.length + 1);
                byte[] out = new byte[file.length + 1];
                System.arraycopy(file, 0, out, 0, at);
                out[at] = (byte) r.nextInt(256);
                System.arraycopy(file, at, out, at + 1, file.length - at);
                yield out;
            }
            case 3 -> { // random bytes after a valid start
                byte[] out = Arrays.copyOf(file, Math.min(file.length, 40) + r.nextInt(200));
                for (int i = Math.min(file.length, 40); i < out.length; i++) {
                    out[i] = (byte) r.nextInt(256);
                }
                yield out;
            }
            default -> { // random bytes
                byte[] out = new byte[r.nextInt(300)];
                r.nextBytes(out);
                yield out;
            }
        };
    }

    @Test
    void aDamagedFileIsReadAsWrittenOrRefusedWithAReasonNeverAnotherException() {
        Fuzz.forAll("cache file", 21_301, 5_000, 2000, r -> r.nextLong(), seed -> {
            Random r = new Random(seed);
            CacheFile.Content written = content(r);
            byte[] file = CacheFile.encode(written);
            byte[] bytes = damaged(r, file);
            try {
                CacheFile.Content read = CacheFile.decode(bytes, PREFIXES);
                assertThat(read.properties()).as("accepted: the content as written").isEqualTo(written.properties());
                assertThat(read.documents()).isEqualTo(written.documents());
                assertThat(read.revision()).isEqualTo(written.revision());
            } catch (CacheFile.Unusable e) {
                assertThat(e.getMessage()).as("the reason").isNotBlank();
            }
        });
    }

    /**
     * Found while writing the property (ArrayIndexOutOfBoundsException out of decode before, which the start does not
     * catch): bytes that are not UTF-8 decode to U+FFFD (3 bytes), so the body measured again was longer than the file.
     */
    @Test
    void aFileWhoseBodyGrowsWhenDecodedIsRefusedNotAnIndexOutOfBounds() {
        byte[] file = CacheFile.encode(content(new Random(1)));
        String text = new String(file, java.nio.charset.StandardCharsets.ISO_8859_1);
        int tail = text.lastIndexOf("\nchecksum");
        assertThat(tail).isPositive();
        byte[] bad = new byte[file.length + 40];
        System.arraycopy(file, 0, bad, 0, tail);
        Arrays.fill(bad, tail, tail + 40, (byte) 0xff);
        System.arraycopy(file, tail, bad, tail + 40, file.length - tail);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CacheFile.decode(bad, PREFIXES))
                .isInstanceOf(CacheFile.Unusable.class).hasMessageContaining("UTF-8");
    }
}
