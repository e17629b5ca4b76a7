package io.etcdmp.internal.secrets;

import io.smallrye.config.Converters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code encryption-key-decode} is read with SmallRye Config's boolean rules, so both read the key the same way. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DecodeSettingTest {
    private static final List<String> SPELLINGS = List.of("true", "TRUE", "1", "yes", "Y", "on", "ja", "j", "si", "sim",
            "oui", " true ", "false", "0", "no", "n", "off", "nein", "non", "maybe", "");

    @Test
    void everySpellingSmallRyeReadsAsTrueDecodesTheKeyAndNoOtherDoes() {
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
        String stored = AesGcmCipher.of(encoded, true, "test").encrypt("hello");
        for (String spelling : SPELLINGS) {
            boolean smallRye = Converters.getImplicitConverter(Boolean.class).convert(spelling.strip()) == Boolean.TRUE;
            SecretKeys keys = SecretKeys.from(n -> Optional.ofNullable(
                    Map.of(SecretKeys.KEY, encoded, SecretKeys.DECODE, spelling).get(n)));
            boolean decoded;
            try {
                decoded = "hello".equals(keys.decrypt(stored).clearText());
            } catch (SecretException e) {
                decoded = false;
            }
            assertThat(decoded).as("decode=" + spelling).isEqualTo(smallRye);
        }
    }
}
