package io.etcdmp.internal.watch;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcdmp.testing.EtcdCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Paginated reads are pinned to one revision: writes made between pages do not leak in. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RangeReaderTest {

    @Test
    void pagesAreReadAtTheRevisionOfTheFirstPage() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.start();
             Client client = Client.builder().endpoints(etcd.clientUrls().toArray(String[]::new)).build()) {
            KV kv = client.getKVClient();
            for (int i = 0; i < 300; i++) {
                kv.put(bytes(String.format("/p/k%04d", i)), bytes("v" + i)).get(5, TimeUnit.SECONDS);
            }
            kv.put(bytes("/q/outside"), bytes("not in prefix")).get(5, TimeUnit.SECONDS);
            long before = kv.get(bytes("/p/")).get(5, TimeUnit.SECONDS).getHeader().getRevision();

            RangeReader reader = new RangeReader(kv, Duration.ofSeconds(5), 10, 200);
            Map<String, String> seen = new LinkedHashMap<>();
            long revision = reader.read(bytes("/p/"), KeyRanges.prefixEnd(bytes("/p/")), 0, page -> {
                boolean first = seen.isEmpty();
                page.forEach(kv1 -> seen.put(kv1.getKey().toString(StandardCharsets.UTF_8), kv1.getValue().toString(StandardCharsets.UTF_8)));
                if (first) {
                    try {
                        kv.put(bytes("/p/k0299"), bytes("changed during read")).get(5, TimeUnit.SECONDS);
                        kv.put(bytes("/p/k9999"), bytes("added during read")).get(5, TimeUnit.SECONDS);
                        kv.delete(bytes("/p/k0150")).get(5, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });

            assertThat(revision).isEqualTo(before);
            assertThat(reader.pages).as("small pages were used").isGreaterThan(10);
            assertThat(seen).hasSize(300).containsEntry("/p/k0299", "v299").containsEntry("/p/k0150", "v150")
                    .doesNotContainKey("/p/k9999").doesNotContainKey("/q/outside");
            assertThat(new java.util.ArrayList<>(seen.keySet())).isSorted();
        }
    }

    @Test
    void pageTooLargeForTheClientIsAskedAgainWithFewerKeys() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.start();
             Client writer = Client.builder().endpoints(etcd.clientUrls().toArray(String[]::new)).build();
             Client small = Client.builder().endpoints(etcd.clientUrls().toArray(String[]::new))
                     .maxInboundMessageSize(64 * 1024).build()) {
            String big = "x".repeat(4096);
            for (int i = 0; i < 100; i++) { // 400 KiB in all: far over the reading client's 64 KiB
                writer.getKVClient().put(bytes(String.format("/big/k%03d", i)), bytes(big)).get(5, TimeUnit.SECONDS);
            }
            RangeReader reader = new RangeReader(small.getKVClient(), Duration.ofSeconds(5), 1000, 32 * 1024);
            Map<String, Integer> seen = new LinkedHashMap<>();
            reader.read(bytes("/big/"), KeyRanges.prefixEnd(bytes("/big/")), 0,
                    page -> page.forEach(kv -> seen.put(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().size())));
            assertThat(seen).hasSize(100).allSatisfy((key, size) -> assertThat(size).isEqualTo(4096));
        }
    }

    @Test
    void prefixEndCoversEveryKeyWithThePrefix() {
        assertThat(KeyRanges.prefixEnd(bytes("/a/")).toString(StandardCharsets.UTF_8)).isEqualTo("/a0");
        assertThat(KeyRanges.prefixEnd(ByteSequence.from(new byte[] {'a', (byte) 0xff})).getBytes()).containsExactly('b');
        assertThat(KeyRanges.prefixEnd(ByteSequence.from(new byte[] {(byte) 0xff})).getBytes()).containsExactly(0);
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
