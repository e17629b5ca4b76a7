package io.etcdmp.cli.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The change record's key, {@code <root><UTC time yyyyMMdd'T'HHmmss.SSS'Z'>-<6 hex digits>} (keys sort by time), and
 * its value: one compact JSON object in the documented order.
 */
@Timeout(10)
class ChangeRecordKeyTest {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void aRecordKeyIsTheRootTheUtcTimeToTheMillisecondAndSixHexDigits() {
        for (Instant at : new Instant[] {Instant.parse("2026-01-02T03:04:05.006Z"), Instant.parse("2026-12-31T23:59:59.999Z"),
                Instant.parse("0999-07-08T09:10:11Z"), Instant.parse("2026-12-06T06:30:00.120456789Z")}) {
            String key = ChangeRecords.newKey("/config-changes/", at);

            assertThat(key).startsWith("/config-changes/" + FORMAT.format(at) + "-").matches(".*-[0-9a-f]{6}");
        }
    }

    @Test
    void aRecordIsOneCompactJsonObjectWithTheFieldsInTheDocumentedOrder() {
        ChangeRecords.Author author = new ChangeRecords.Author("alice", java.util.Optional.of("ci"), "why \"quoted\"",
                java.util.Optional.of("3f2a"), java.util.Optional.of("Alice <a@example.com>"));

        String record = ChangeRecords.json(Instant.parse("2026-12-06T03:15:00.123Z"), author, "apply", "1/1",
                java.util.List.of(new ChangeRecords.KeyOp("/config/orders/db.url", "put"),
                        new ChangeRecords.KeyOp("/config/orders/old", "delete")));
        String rollback = ChangeRecords.json(Instant.parse("2026-12-06T03:15:00Z"), new ChangeRecords.Author("bob",
                java.util.Optional.empty(), "", java.util.Optional.empty(), java.util.Optional.empty()), "rollback", "1/1",
                java.util.List.of(new ChangeRecords.KeyOp("/config/orders/db.url", "put")), 42);

        assertThat(record).isEqualTo("{\"format\":1,\"time\":\"2026-12-06T03:15:00.123Z\",\"user\":\"alice\",\"etcdUser\":\"ci\","
                + "\"message\":\"why \\\"quoted\\\"\",\"command\":\"apply\",\"git\":{\"commit\":\"3f2a\",\"author\":"
                + "\"Alice <a@example.com>\"},\"part\":\"1/1\",\"keys\":[{\"key\":\"/config/orders/db.url\",\"op\":\"put\"},"
                + "{\"key\":\"/config/orders/old\",\"op\":\"delete\"}]}");
        assertThat(rollback).isEqualTo("{\"format\":1,\"time\":\"2026-12-06T03:15:00Z\",\"user\":\"bob\",\"message\":\"\","
                + "\"command\":\"rollback\",\"part\":\"1/1\",\"revision\":42,\"keys\":[{\"key\":\"/config/orders/db.url\","
                + "\"op\":\"put\"}]}");
    }
}
