package io.etcdmp.internal.client;

import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.support.Fuzz;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Property-based tests (issue 21, "Fuzzed parsers") of the settings read from outside: durations and endpoint
 * lists. Never an Error or an unchecked exception: a value, or {@link EtcdMicroprofileException} naming the
 * setting (and never a password given in an endpoint).
 */
@Tag("unit")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SettingsFuzzTest {
    private static final String KEY = "etcd.request-timeout";

    private static String durationText(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> Long.toString(r.nextLong());
            case 1 -> r.nextInt(100_000) + Fuzz.oneOf(r, "", "ms", "s", "m", "h", "MS", " s", "d", "µs");
            case 2 -> Fuzz.string(r, "0123456789", 1 + r.nextInt(30)) + Fuzz.oneOf(r, "", "ms", "s", "m", "h");
            case 3 -> "PT" + Fuzz.string(r, "0123456789.-", 1 + r.nextInt(25)) + Fuzz.oneOf(r, "S", "M", "H", "");
            case 4 -> Fuzz.mutate(r, Fuzz.oneOf(r, "500ms", "5s", "PT5S", "P1DT2H", "2m", "1h"), "0123456789PTSMHDms.-+ ");
            default -> Fuzz.anyText(r, r.nextInt(20));
        };
    }

    @Test
    void aDurationIsPositiveOrTheErrorNamesTheSetting() {
        Fuzz.forAll("duration", 21_001, 5_000, 2000, SettingsFuzzTest::durationText, text -> {
            SettingValues values = new SettingValues(name -> Optional.of(text));
            Throwable thrown = catchThrowable(() -> assertThat(values.duration(KEY, Duration.ofSeconds(5))).isPositive());
            if (thrown != null) {
                assertThat(thrown).isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining(KEY);
            }
        });
    }

    /** Found by the property: numbers too large for a long, or for a Duration's nanoseconds (NumberFormatException before). */
    @Test
    void aDurationTooLargeForItsUnitIsAnErrorNamingTheSetting() {
        for (String text : new String[] {"99999999999999999999", "99999999999999999999ms", "9223372036854775807h",
            "9223372036854775807m", "PT9999999999999999999S", "9223372036854775807s"}) {
            Throwable thrown = catchThrowable(() -> new SettingValues(name -> Optional.of(text)).duration(KEY, Duration.ZERO));
            assertThat(thrown).as(text).isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining(KEY);
        }
    }

    private static String endpoint(Random r) {
        String scheme = Fuzz.oneOf(r, "http://", "https://", "HTTP://", "ftp://", "", "http:/", "http:");
        String user = r.nextInt(3) == 0 ? "" : Fuzz.oneOf(r, "root:S3cret@", "u:S3cret%40x@", "a:S3c/ret@", "S3cret@", "r:S3cret@@", "u:S3c,ret@", "u:S3c[ret@");
        String host = Fuzz.oneOf(r, "127.0.0.1", "etcd.local", "[::1]", "[::1", "::1", "etcd local", "", "ho%st", "x_y");
        String port = Fuzz.oneOf(r, ":2379", "", ":", ":99999", ":-1", ":abc", ":0");
        String rest = Fuzz.oneOf(r, "", "/", "/v3", "?a=b", "#f", "/a@b");
        String around = host + port + rest; // mutated apart from the user info, which must stay user info to be a secret
        return scheme + user + (r.nextInt(3) == 0 ? Fuzz.mutate(r, around, ":/@[]%?#, .") : around);
    }

    /** Found by the property: a password with a comma, split over two entries of the list, was echoed before its '@'. */
    @Test
    void aPasswordSplitByTheListsCommaIsNotEchoed() {
        Throwable thrown = catchThrowable(() -> EtcdSettings.from(name -> Optional.ofNullable(
                Map.of(EtcdSettings.ENDPOINTS, "http://u:S3c,ret@etcd.local:2379").get(name))));
        assertThat(thrown).isInstanceOf(EtcdMicroprofileException.class).hasMessageNotContaining("S3c");
    }

    @Test
    void anEndpointListParsesOrTheErrorNamesTheSettingAndNeverAPassword() {
        Fuzz.forAll("endpoints", 21_002, 5_000, 2000, r -> endpoint(r) + (r.nextBoolean() ? "," + endpoint(r) : ""), list -> {
            Throwable thrown = catchThrowable(() -> EtcdSettings.from(name -> Optional.ofNullable(
                    Map.of(EtcdSettings.ENDPOINTS, list).get(name))));
            if (thrown != null) {
                assertThat(thrown).isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining(EtcdSettings.ENDPOINTS);
                assertThat(thrown.getMessage()).doesNotContain("S3c");
            }
        });
    }
}
