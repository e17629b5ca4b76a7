package io.etcdmp.internal.client;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Duration settings: units, ISO-8601, and a bare number as milliseconds. */
@Tag("unit")
class SettingValuesTest {
    @Test
    void durationsTakeUnitsIsoAndBareMilliseconds() {
        assertThat(SettingValues.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(SettingValues.parseDuration(" 5s ")).isEqualTo(Duration.ofSeconds(5));
        assertThat(SettingValues.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(SettingValues.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(SettingValues.parseDuration("5S")).as("units in any case").isEqualTo(Duration.ofSeconds(5));
        assertThat(SettingValues.parseDuration("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
        assertThat(SettingValues.parseDuration("250")).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void anythingElseIsNotADuration() {
        assertThat(SettingValues.parseDuration("five seconds")).isNull();
        assertThat(SettingValues.parseDuration("-5s")).isNull();
        assertThat(SettingValues.parseDuration("")).isNull();
    }
}
