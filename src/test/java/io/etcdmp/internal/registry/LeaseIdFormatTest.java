package io.etcdmp.internal.registry;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Lease ids in our log lines read as etcdctl prints them (%016x), so that one can be searched for in the other. */
@Tag("unit")
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LeaseIdFormatTest {
    @Test
    void leaseIdsAreSixteenHexDigitsWithLeadingZerosAsEtcdctlPrintsThem() {
        assertThat(SharedLease.hex(0x0abcL)).isEqualTo("0000000000000abc");
        assertThat(SharedLease.hex(0x694d7a3c3f0c0a0bL)).isEqualTo("694d7a3c3f0c0a0b");
        assertThat(SharedLease.hex(-1L)).isEqualTo("ffffffffffffffff");
    }
}
