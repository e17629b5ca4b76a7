package io.etcdmp.internal.registry;

import io.etcdmp.registry.ServiceInstance;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The instance's own fields written into a record as an operator left it, in each record shape, the rest kept. */
@Tag("unit")
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RecordMergeTest {
    private static ServiceInstance read(String value) {
        return InstanceRecords.parse("orders", "o-1", value);
    }

    @Test
    void ourShapeGetsTheStatusInMetadataAndKeepsTheOperatorsWeightAndFields() {
        String operators = "{\"Addr\":\"10.0.0.5:8080\",\"Metadata\":{\"instanceId\":\"o-1\",\"status\":\"UP\","
                + "\"metadata\":{\"weight\":\"7\",\"owner\":\"ops\"},\"registeredAt\":\"2026-11-25T13:00:00Z\"},\"extra\":1}";
        String merged = RecordMerge.withStatus(operators, "DRAINING");
        assertThat(read(merged).status()).isEqualTo("DRAINING");
        assertThat(read(merged).weight()).isEqualTo(7);
        assertThat(read(merged).metadata()).containsEntry("owner", "ops");
        assertThat(read(merged).registeredAt()).isEqualTo(read(operators).registeredAt());
        assertThat(merged).contains("\"extra\":1");
    }

    @Test
    void theReportsFieldsGoIntoTheNestedMetadataKeepingTheOperatorsStatus() {
        String operators = "{\"Addr\":\"10.0.0.5:8080\",\"Metadata\":{\"status\":\"OUT_OF_SERVICE\",\"metadata\":{\"weight\":\"3\","
                + "\"configRevision\":\"7\"}}}";
        String merged = RecordMerge.withMetadata(operators, Map.of("configRevision", "9", "configStale", "false"));
        assertThat(read(merged).configRevision()).hasValue(9);
        assertThat(read(merged).status()).isEqualTo("OUT_OF_SERVICE");
        assertThat(read(merged).weight()).isEqualTo(3);
    }

    @Test
    void aRecordWithoutMetadataGetsOne() {
        assertThat(read(RecordMerge.withStatus("{\"Addr\":\"10.0.0.5:8080\"}", "DRAINING")).status()).isEqualTo("DRAINING");
        assertThat(read(RecordMerge.withMetadata("{\"Addr\":\"10.0.0.5:8080\",\"Metadata\":null}", Map.of("configRevision", "4")))
                .configRevision()).hasValue(4);
    }

    @Test
    void theSeedShapeKeepsThemAtTheTopLevel() {
        String seed = "{\"host\":\"10.0.0.5\",\"port\":3000,\"weight\":\"5\"}";
        assertThat(read(RecordMerge.withStatus(seed, "DRAINING")).status()).isEqualTo("DRAINING");
        assertThat(read(RecordMerge.withStatus(seed, "DRAINING")).weight()).isEqualTo(5);
        assertThat(read(RecordMerge.withMetadata(seed, Map.of("configRevision", "4"))).configRevision()).hasValue(4);
    }

    @Test
    void shapesWithoutRoomForTheFieldGiveNull() {
        assertThat(RecordMerge.withStatus("10.0.0.5:8080", "DRAINING")).isNull();
        assertThat(RecordMerge.withStatus("https://10.0.0.5:8443/api", "DRAINING")).isNull();
        assertThat(RecordMerge.withStatus("{\"Addr\":\"10.0.0.5:8080\",\"Metadata\":\"v1\"}", "DRAINING")).isNull();
        assertThat(RecordMerge.withMetadata("{\"Addr\":\"10.0.0.5:8080\",\"Metadata\":{\"metadata\":\"v1\"}}", Map.of("a", "b"))).isNull();
        assertThat(RecordMerge.withStatus("{not json", "DRAINING")).isNull();
    }
}
