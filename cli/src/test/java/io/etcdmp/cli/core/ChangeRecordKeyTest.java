package io.etcdmp.cli.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import static org.assertj.core.api.Assertions.assertThat;

/** The change record's key: {@code <root><UTC time yyyyMMdd'T'HHmmss.SSS'Z'>-<6 hex digits>}, so that keys sort by time. */
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
}
