package io.etcdmp.internal.registry;

import io.etcdmp.registry.ServiceInstance;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every record shape of the README's table, and every reason a value is not an instance (no etcd needed). */
@Tag("unit")
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class InstanceRecordsTest {

    private static ServiceInstance read(String value) {
        return InstanceRecords.parse("billing", "key-id", value);
    }

    private static void assertRejected(String value, String reason) {
        assertThatThrownBy(() -> read(value)).isInstanceOf(IllegalArgumentException.class)
                .isNotInstanceOf(InstanceRecords.NotAnInstance.class).hasMessageContaining(reason);
    }

    @Test
    void ourRecordRoundTripsAndCarriesStatusUpInItsMetadataObject() {
        ServiceInstance instance = new ServiceInstance("orders", "o-1", "10.1.2.3", 8443, "https",
                Map.of("zone", "eu-1"), Optional.of(Instant.parse("2026-11-25T12:00:00Z")));
        String json = InstanceRecords.toJson(instance);
        assertThat(json).startsWith("{\"Addr\":\"10.1.2.3:8443\",\"Metadata\":{").contains("\"status\":\"UP\"")
                .doesNotContain("\"Op\"");
        assertThat(InstanceRecords.parse("orders", "o-1", json))
                .isEqualTo(instance.withMetadata(Map.of("zone", "eu-1", "status", "UP")));
    }

    @Test
    void ourDrainingRecordKeepsItsStatusOutsideTheFreeMetadata() {
        ServiceInstance draining = ServiceInstance.of("orders", "10.1.2.3", 80).withMetadata(Map.of("status", "DRAINING"));
        String json = InstanceRecords.toJson(draining);
        assertThat(json).contains("\"status\":\"DRAINING\"").contains("\"metadata\":{}");
        assertThat(InstanceRecords.parse("orders", "x", json).status()).isEqualTo("DRAINING");
    }

    @Test
    void grpcNamingWithoutMetadataIsAnInstanceNamedByItsKey() {
        ServiceInstance i = read("{\"Addr\":\"10.0.0.5:8080\"}");
        assertThat(i.instanceId()).isEqualTo("key-id");
        assertThat(i.host()).isEqualTo("10.0.0.5");
        assertThat(i.port()).isEqualTo(8080);
        assertThat(i.scheme()).isEqualTo("http");
        assertThat(i.metadata()).isEmpty();
        assertThat(read("{\"Addr\":\"10.0.0.5:8080\",\"Metadata\":null}").metadata()).isEmpty();
    }

    @Test
    void grpcNamingMetadataObjectMembersBecomeMetadataAsText() {
        ServiceInstance i = read("{\"Addr\":\"[::1]:50052\",\"Metadata\":{\"weight\":3,\"zone\":\"eu-1\",\"tags\":[\"a\"]}}");
        assertThat(i.host()).isEqualTo("::1");
        assertThat(i.address()).isEqualTo("[::1]:50052");
        assertThat(i.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of("weight", "3", "zone", "eu-1", "tags", "[\"a\"]"));
    }

    @Test
    void grpcNamingMetadataStringIsKeptAsMetadataNamedMetadata() {
        assertThat(read("{\"Addr\":\"10.0.0.5:8080\",\"Metadata\":\"v1\"}").metadata()).containsExactly(Map.entry("metadata", "v1"));
    }

    @Test
    void legacyResolverRecordWithOpZeroIsAnInstanceAndAnyOtherOpIsNot() {
        assertThat(read("{\"Op\":0,\"Addr\":\"10.0.0.5:8080\",\"Metadata\":\"m\"}").port()).isEqualTo(8080);
        assertThatThrownBy(() -> read("{\"Op\":1,\"Addr\":\"10.0.0.5:8080\"}"))
                .isInstanceOf(InstanceRecords.NotAnInstance.class).hasMessageContaining("\"Op\" is 1");
    }

    @Test
    void seedShapeTakesHostAndNumericPortAndKeepsEveryOtherFieldAsMetadata() {
        ServiceInstance i = read("{\"host\":\"10.0.0.5\",\"port\":3000,\"version\":\"1.0.0\",\"replicas\":2,"
                + "\"tags\":{\"a\":1},\"beta\":false,\"ip\":\"10.9.9.9\"}");
        assertThat(i.instanceId()).isEqualTo("key-id");
        assertThat(i.address()).isEqualTo("10.0.0.5:3000");
        assertThat(i.scheme()).isEqualTo("http");
        assertThat(i.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of("version", "1.0.0", "replicas", "2",
                "tags", "{\"a\":1}", "beta", "false", "ip", "10.9.9.9"));
    }

    @ParameterizedTest(name = "{0} gives host {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{\"hostname\":\"web-1\",\"port\":\"3000\"}|web-1",
            "{\"ip\":\"10.0.0.7\",\"port\":3000}|10.0.0.7",
            "{\"address\":\"[::1]\",\"port\":3000}|::1",
            "{\"address\":\"::1\",\"port\":3000}|::1",
            "{\"host\":\"my_service\",\"port\":3000}|my_service"})
    void seedShapeTakesTheAddressFromHostHostnameIpOrAddress(String json, String host) {
        ServiceInstance i = read(json);
        assertThat(i.host()).isEqualTo(host);
        assertThat(i.port()).isEqualTo(3000);
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{\"host\":\"h\",\"port\":443,\"scheme\":\"https\"}|https",
            "{\"host\":\"h\",\"port\":443,\"protocol\":\"HTTPS\"}|https",
            "{\"host\":\"h\",\"port\":443,\"protocol\":\"https:\"}|https",
            "{\"host\":\"h\",\"port\":443,\"secure\":true}|https",
            "{\"host\":\"h\",\"port\":80,\"secure\":false}|http",
            "{\"host\":\"h\",\"port\":80,\"scheme\":\"http\",\"secure\":true}|http"})
    void seedShapeSchemeComesFromSchemeProtocolOrSecure(String json, String scheme) {
        assertThat(read(json).scheme()).isEqualTo(scheme);
    }

    @Test
    void seedShapeFieldsThatDecidedNothingStayMetadata() {
        assertThat(read("{\"host\":\"h\",\"port\":80,\"scheme\":\"http\",\"secure\":true}").metadata())
                .containsExactly(Map.entry("secure", "true"));
        assertThat(read("{\"host\":\"h\",\"port\":80,\"secure\":\"yes\"}").metadata())
                .containsExactly(Map.entry("secure", "yes"));
    }

    @Test
    void plainHostPortIsAnHttpInstance() {
        ServiceInstance i = read("10.0.0.5:3000");
        assertThat(i.address()).isEqualTo("10.0.0.5:3000");
        assertThat(i.scheme()).isEqualTo("http");
        assertThat(read("  [fe80::1]:3000\n").host()).isEqualTo("fe80::1");
        assertThat(read("db-1.internal:5432").host()).isEqualTo("db-1.internal");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "https://10.0.0.5:8443/api|https|10.0.0.5|8443|/api",
            "https://10.0.0.5/api/v2|https|10.0.0.5|443|/api/v2",
            "http://billing.internal|http|billing.internal|80|",
            "http://[::1]:8080/|http|::1|8080|",
            "HTTP://user:secret@[::1]/x|http|::1|80|/x",
            "grpc://10.0.0.5:50051|grpc|10.0.0.5|50051|",
            "http://my_service:8080/v1?debug=1|http|my_service|8080|/v1"})
    void urlGivesSchemeHostPortWithDefaultsAndKeepsThePath(String url, String scheme, String host, int port, String path) {
        ServiceInstance i = read(url);
        assertThat(i.scheme()).isEqualTo(scheme);
        assertThat(i.host()).isEqualTo(host);
        assertThat(i.port()).isEqualTo(port);
        assertThat(i.metadata().get("path")).isEqualTo(path);
        assertThat(i.metadata()).hasSize(path == null ? 0 : 1);
    }

    @Test
    void weightAndStatusAreReadFromEveryShape() {
        assertThat(read("{\"host\":\"h\",\"port\":1,\"weight\":5,\"status\":\"DRAINING\"}"))
                .satisfies(i -> assertThat(i.weight()).isEqualTo(5)).satisfies(i -> assertThat(i.isUp()).isFalse());
        assertThat(read("{\"Addr\":\"h:1\",\"Metadata\":{\"metadata\":{\"weight\":\"7\"},\"status\":\"up\"}}"))
                .satisfies(i -> assertThat(i.weight()).isEqualTo(7)).satisfies(i -> assertThat(i.isUp()).isTrue());
        assertThat(read("h:1")).satisfies(i -> assertThat(i.weight()).isEqualTo(100))
                .satisfies(i -> assertThat(i.isUp()).isTrue());
    }

    @ParameterizedTest(name = "{0} is refused: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "`   `|the value is empty",
            "hello|is neither a JSON object, a URL nor host:port",
            "{\"Addr\":|not a JSON object",
            "{\"Metadata\":{}}|neither \"Addr\" nor an address",
            "{\"Addr\":42}|\"Addr\" is a number, not text",
            "{\"Addr\":null}|\"Addr\" is null, not text",
            "{\"Addr\":\"10.0.0.5\"}|\"Addr\" '10.0.0.5' is not host:port",
            "{\"Addr\":\"10.0.0.5:http\"}|has no port number",
            "{\"Addr\":\"10.0.0.5:70000\"}|has no port number (0-65535)",
            "{\"Addr\":\"::1:8080\"}|an IPv6 host goes in brackets",
            "{\"Addr\":\"a b:80\"}|host 'a b' (\"Addr\") is not a host name or IP address",
            "{\"Op\":\"add\",\"Addr\":\"h:1\"}|\"Op\" is text, not a number",
            "{\"Addr\":\"h:1\",\"Metadata\":[1]}|\"Metadata\" is an array: expected an object, text or null",
            "{\"Addr\":\"h:1\",\"Metadata\":{\"scheme\":\"no scheme\"}}|\"Metadata\".\"scheme\" 'no scheme' is not a URI scheme",
            "{\"host\":5,\"port\":1}|\"host\" is a number, not text",
            "{\"host\":\"\",\"port\":1}|host '' (\"host\") is not a host name",
            "{\"host\":\"10.0.0.5\"}|\"host\" but no \"port\"",
            "{\"host\":\"h\",\"port\":\"80a\"}|\"port\" '80a' is not a number",
            "{\"host\":\"h\",\"port\":80.5}|\"port\" 80.5 is not a whole number",
            "{\"host\":\"h\",\"port\":-1}|\"port\" -1 is not a TCP port",
            "{\"host\":\"h\",\"port\":65536}|\"port\" 65536 is not a TCP port",
            "{\"host\":\"h\",\"port\":null}|\"port\" is null, not a number",
            "{\"host\":\"h\",\"port\":1,\"scheme\":true}|\"scheme\" is a boolean, not text",
            "{\"host\":\"h\",\"port\":1,\"protocol\":\"HTTP/1.1\"}|\"protocol\" 'HTTP/1.1' is not a URI scheme",
            "{\"host\":\"h\",\"port\":1,\"weight\":-5}|Invalid value '-5' for metadata weight of service instance billing/key-id",
            "{\"host\":\"h\",\"port\":1,\"weight\":\"heavy\"}|Invalid value 'heavy' for metadata weight",
            "http://h:1 2|not a valid URL",
            "file:///etc/hosts|the URL has no host",
            "ftp://files.internal/pub|the URL has no port and scheme 'ftp' has no default one",
            "http://h:99999|has no port number"})
    void valuesOfNoShapeAreRefusedWithTheirReason(String value, String reason) {
        assertRejected(value, reason);
    }

    @Test
    void aUrlWithCredentialsIsRefusedWithoutRepeatingThem() {
        assertThatThrownBy(() -> read("http://user:s3cret@h:1 2/x")).hasMessageNotContaining("s3cret");
    }
}
