package io.etcdmp.internal.secrets;

import io.smallrye.config.crypto.AESGCMNoPaddingSecretKeysHandler;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Our aes-gcm-nopadding values and SmallRye Config's handler open each other's, with a plain and a decoded key. */
@Tag("unit")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SmallRyeCompatibilityTest {
    private static final String KEY = "somearbitrarycrazystringthatdoesnotmatter";
    private static final String CLEAR = "s3cr3t pässwörd ✓ with ${braces}";

    @Test
    void smallRyesHandlerDecryptsWhatWeEncrypt() {
        String ours = AesGcmCipher.of(KEY, false, "test").encrypt(CLEAR);
        AESGCMNoPaddingSecretKeysHandler smallrye = new AESGCMNoPaddingSecretKeysHandler(KEY.getBytes(StandardCharsets.UTF_8));
        assertThat(smallrye.decode(ours)).isEqualTo(CLEAR);
    }

    @Test
    void weDecryptWhatSmallRyesFormatHolds() {
        // SmallRye's handler only decrypts; its format (and quarkus config encrypt's) is built here from its parts
        // with the JDK alone, so this checks our reading of the format, not our own encryption
        String theirs = sealTheirWay(KEY.getBytes(StandardCharsets.UTF_8), CLEAR, 12);
        assertThat(new AesGcmCipher[] {AesGcmCipher.of(KEY, false, "test")}[0].decrypt(theirs)).isEqualTo(CLEAR);
        AESGCMNoPaddingSecretKeysHandler smallrye = new AESGCMNoPaddingSecretKeysHandler(KEY.getBytes(StandardCharsets.UTF_8));
        assertThat(smallrye.decode(theirs)).isEqualTo(CLEAR);
    }

    @Test
    void aBase64urlKeyWithDecodeOnIsTheSameKeyForBoth() {
        byte[] raw = new byte[32];
        new java.security.SecureRandom().nextBytes(raw);
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        String ours = AesGcmCipher.of(encoded, true, "test").encrypt(CLEAR);
        assertThat(new AESGCMNoPaddingSecretKeysHandler(raw).decode(ours)).isEqualTo(CLEAR);
        assertThat(AesGcmCipher.of(encoded, true, "test").decrypt(sealTheirWay(raw, CLEAR, 16))).isEqualTo(CLEAR);
    }

    @Test
    void aWrongKeyATamperedAndATruncatedValueFailWithoutShowingTheValue() {
        AesGcmCipher cipher = AesGcmCipher.of(KEY, false, "test");
        String stored = cipher.encrypt(CLEAR);
        byte[] bytes = Base64.getUrlDecoder().decode(stored);
        bytes[bytes.length - 1] ^= 1;
        String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        assertThatThrownBy(() -> AesGcmCipher.of("another key", false, "test").decrypt(stored))
                .isInstanceOf(SecretException.class).hasMessageContaining("tag does not match");
        assertThatThrownBy(() -> cipher.decrypt(tampered)).isInstanceOf(SecretException.class)
                .hasMessageNotContaining(tampered).hasMessageNotContaining(CLEAR);
        assertThatThrownBy(() -> cipher.decrypt(stored.substring(0, 10))).isInstanceOf(SecretException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> cipher.decrypt("not base64 !")).isInstanceOf(SecretException.class);
    }

    @Test
    void previousKeysOpenValuesTheCurrentKeyDoesNot() {
        AesGcmCipher old = AesGcmCipher.of("old key", false, "old");
        SecretKeys keys = SecretKeys.of(AesGcmCipher.of("new key", false, "new"), old);
        SecretKeys.Decrypted opened = keys.decrypt(old.encrypt(CLEAR));
        assertThat(opened.clearText()).isEqualTo(CLEAR);
        assertThat(opened.keyIndex()).isEqualTo(1);
        assertThat(opened.toString()).doesNotContain(CLEAR);
        assertThat(keys.toString()).doesNotContain("old key").doesNotContain("new key");
    }

    @Test
    void onlyAWholeValueInTheExpressionFormIsEncrypted() {
        assertThat(EncryptedValue.ciphertext(" ${aes-gcm-nopadding::abc} ")).contains("abc");
        assertThat(EncryptedValue.isEncrypted("jdbc:${aes-gcm-nopadding::abc}")).isFalse();
        assertThat(EncryptedValue.isEncrypted("${aes-gcm-nopadding::a}b}")).isFalse();
        assertThat(EncryptedValue.isEncrypted("${other::abc}")).isFalse();
        assertThat(EncryptedValue.wrap("abc")).isEqualTo("${aes-gcm-nopadding::abc}");
    }

    private static String sealTheirWay(byte[] key, String clear, int ivLength) {
        try {
            byte[] aesKey = java.security.MessageDigest.getInstance("SHA-256").digest(key);
            byte[] iv = new byte[ivLength];
            new java.security.SecureRandom().nextBytes(iv);
            javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
            c.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(aesKey, "AES"),
                    new javax.crypto.spec.GCMParameterSpec(128, iv));
            byte[] sealed = c.doFinal(clear.getBytes(StandardCharsets.UTF_8));
            java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(1 + ivLength + sealed.length);
            out.put((byte) ivLength).put(iv).put(sealed);
            return Base64.getUrlEncoder().encodeToString(out.array());
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
