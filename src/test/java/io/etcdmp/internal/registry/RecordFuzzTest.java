package io.etcdmp.internal.registry;

import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.support.Fuzz;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based tests (issue 21, "Fuzzed parsers") of registry record values in every shape and garbage:
 * {@link InstanceRecords#parse} gives an instance of the service, or an IllegalArgumentException with a
 * reason (the documented "skipped with a warning"), never anything else, quickly.
 */
@Tag("unit")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RecordFuzzTest {
    private static final String JSON_CHARS = "{}[]\":,0123456789.-+eE truefalsnul\\/abcxyz";

    private static String jsonValue(Random r, int depth) {
        return switch (depth > 3 ? r.nextInt(4) : r.nextInt(7)) {
            case 0 -> "\"" + Fuzz.oneOf(r, "10.0.0.1:80", "h:1", "", "x", "https", "UP", "DRAINING", "[::1]:8", "2026-11-25T13:00:00Z", "\\u0000") + "\"";
            case 1 -> Long.toString(r.nextLong() % 100_000);
            case 2 -> Fuzz.oneOf(r, "true", "false", "null", "1e999", "-0", "0.5");
            case 3 -> "\"" + Fuzz.string(r, "abc:/@[]%. ", r.nextInt(12)) + "\"";
            case 4 -> "[" + jsonValue(r, depth + 1) + (r.nextBoolean() ? "," + jsonValue(r, depth + 1) : "") + "]";
            default -> object(r, depth + 1);
        };
    }

    private static String object(Random r, int depth) {
        StringBuilder out = new StringBuilder("{");
        int fields = r.nextInt(5);
        for (int i = 0; i < fields; i++) {
            String name = Fuzz.oneOf(r, "Addr", "Metadata", "Op", "host", "hostname", "ip", "address", "port", "scheme",
                    "protocol", "secure", "instanceId", "status", "metadata", "registeredAt", "weight", "zone", "x");
            out.append(i == 0 ? "" : ",").append('"').append(name).append("\":").append(jsonValue(r, depth));
        }
        return out.append('}').toString();
    }

    private static String record(Random r) {
        String value = switch (r.nextInt(8)) {
            case 0, 1 -> object(r, 0);
            case 2 -> InstanceRecords.toJson(new ServiceInstance("orders", "o-" + r.nextInt(9), "10.0.0." + r.nextInt(255),
                    1 + r.nextInt(65535), Fuzz.oneOf(r, "http", "https", "grpc"), Map.of("zone", "z" + r.nextInt(3)), Optional.empty()));
            case 3 -> Fuzz.oneOf(r, "http", "https", "HTTP", "grpc", "", "/a", "x") + "://"
                    + Fuzz.oneOf(r, "", "u:p@", "@") + Fuzz.oneOf(r, "h", "[::1]", "10.0.0.1", "", "[::1", "h h")
                    + Fuzz.oneOf(r, "", ":80", ":", ":0", ":99999", ":x") + Fuzz.oneOf(r, "", "/", "/api", "?q", "#f");
            case 4 -> Fuzz.oneOf(r, "h", "[::1]", "::1", "10.0.0.1", "", "a:b") + ":" + Fuzz.oneOf(r, "80", "0", "-1", "65536", "", "x");
            case 5 -> Fuzz.anyText(r, r.nextInt(40));
            case 6 -> "[".repeat(r.nextInt(3000)) + "{\"Addr\":\"h:1\",\"Metadata\":" + "[".repeat(r.nextInt(3000));
            default -> Fuzz.string(r, JSON_CHARS, r.nextInt(60));
        };
        return r.nextInt(3) == 0 ? Fuzz.mutate(r, value, JSON_CHARS + ":/@[]") : value;
    }

    @Test
    void everyRecordValueIsAnInstanceOfItsServiceOrAReasonNeverAnotherException() {
        Fuzz.forAll("record", 21_101, 3_000, 2000, RecordFuzzTest::record, value -> {
            try {
                ServiceInstance instance = InstanceRecords.parse("orders", "key-id", value);
                assertThat(instance.service()).isEqualTo("orders");
                assertThat(instance.port()).isBetween(0, 65535);
                assertThat(instance.host()).isNotEmpty();
            } catch (IllegalArgumentException e) {
                assertThat(e.getMessage()).as("the reason").isNotBlank();
            }
        });
    }
}
