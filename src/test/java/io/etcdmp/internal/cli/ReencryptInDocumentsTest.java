package io.etcdmp.internal.cli;

import io.etcdmp.internal.secrets.AesGcmCipher;
import io.etcdmp.internal.secrets.EncryptedValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code etcdmp reencrypt}'s rewrite of a value: encrypted values inside documents (app.yaml, .properties) too. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReencryptInDocumentsTest {
    private static final Pattern FORM = Pattern.compile("\\$\\{aes-gcm-nopadding::([A-Za-z0-9_=-]*)}");

    private static String sealed(String key, String clear) {
        return EncryptedValue.wrap(AesGcmCipher.of(key, false, "test").encrypt(clear));
    }

    @Test
    void everyEncryptedValueInsideADocumentMovesToTheCurrentKeyAndTheRestOfTheTextStays() {
        String yaml = "# kept comment\ndb:\n  password: " + sealed("old", "first")
                + "\n  user: plain\napi:\n  token: \"" + sealed("new", "second") + "\"\n  other: " + sealed("old", "third") + "\n";
        Encryption encryption = Encryption.from(Map.of(Encryption.KEY, "new", Encryption.PREVIOUS, "old"));
        Optional<String> fresh = encryption.reencrypt("/config/application/app.yaml", yaml);
        assertThat(fresh).isPresent();
        assertThat(FORM.matcher(fresh.get()).replaceAll("X")).isEqualTo(FORM.matcher(yaml).replaceAll("X"));
        AesGcmCipher current = AesGcmCipher.of("new", false, "test");
        Matcher m = FORM.matcher(fresh.get());
        StringBuilder clear = new StringBuilder();
        while (m.find()) {
            clear.append(current.decrypt(m.group(1))).append(' ');
        }
        assertThat(clear.toString()).isEqualTo("first second third ");
        assertThat(fresh.get()).contains(yaml.substring(yaml.indexOf("token: \""), yaml.indexOf("\n  other")));
        assertThat(encryption.reencrypt("k", fresh.get())).isEmpty();
        assertThat(encryption.reencrypt("k", "a=b\nc=d\n")).isEmpty();
    }
}
