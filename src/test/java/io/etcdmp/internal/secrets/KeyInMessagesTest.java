package io.etcdmp.internal.secrets;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A key that is not base64url (with {@code encryption-key-decode=true}) is refused naming the setting, without
 * any part of the key: the JDK's decoder says "Illegal base64 character 2b", the hex code of a key character,
 * and that message was passed on.
 */
@Tag("unit")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KeyInMessagesTest {

    @Test
    void aKeyThatIsNotBase64urlIsRefusedWithoutShowingAnyOfItsCharacters() {
        String key = "Zm9vYmFyZm9vYmFy+mFyZm9v"; // '+' (0x2b) is base64 but not base64url
        Map<String, String> settings = Map.of(SecretKeys.KEY, key, SecretKeys.DECODE, "true");

        Throwable thrown = catchThrowable(() -> SecretKeys.from(name -> Optional.ofNullable(settings.get(name))));

        assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(SecretKeys.KEY)
                .hasMessageContaining("not base64url");
        assertThat(thrown.getMessage()).as("the key's character, as the decoder names it").doesNotContain("2b")
                .doesNotContain("+").doesNotContain(key.substring(0, 8));
    }
}
