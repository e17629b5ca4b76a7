package io.etcdmp.it.support;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A secret the runtimes' tests keep encrypted in etcd, sealed here with the JDK alone in the form SmallRye Config's
 * {@code aes-gcm-nopadding} handler reads and {@code quarkus config encrypt} writes: {@code ${aes-gcm-nopadding::<base64url
 * of one IV-length byte, the 12-byte IV, the AES-256-GCM ciphertext and its 128-bit tag>}}, the AES key being the
 * SHA-256 of the key's UTF-8 bytes (SmallRye's handler with {@code encryption-key-decode} off). Not the library's own
 * code: the runtimes' decryption is checked against the format, not against ourselves.
 *
 * <p>The key and the clear text are random per run; the clear text holds a random ASCII token (and non-ASCII
 * letters, so that the servers' charset handling is part of the check), which is what the scans of logs and files
 * look for. Neither ever appears in a message or in {@link #toString()}.
 */
public final class EncryptedSecret {
    /** SmallRye's setting {@code smallrye.config.secret-handler.aes-gcm-nopadding.encryption-key} as an environment variable. */
    public static final String KEY_ENVIRONMENT_VARIABLE = "SMALLRYE_CONFIG_SECRET_HANDLER_AES_GCM_NOPADDING_ENCRYPTION_KEY";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int IV_LENGTH = 12;

    private final String key;
    private final String token;
    private final String clearText;
    private final String stored;

    private EncryptedSecret(String key) {
        this.key = key;
        this.token = randomHex(12);
        this.clearText = "it-secret-" + token + " pässwörd";
        this.stored = "${aes-gcm-nopadding::" + seal(key, clearText) + "}";
    }

    /** A new random key and a secret sealed with it. */
    public static EncryptedSecret withNewKey() {
        return new EncryptedSecret(randomHex(32));
    }

    /** Another random secret sealed with the same key. */
    public EncryptedSecret another() {
        return new EncryptedSecret(key);
    }

    /** The key, for the server's environment only. */
    public String key() {
        return key;
    }

    /** What etcd holds: {@code ${aes-gcm-nopadding::...}}. */
    public String stored() {
        return stored;
    }

    /** The base64url part of {@link #stored()}. */
    public String ciphertext() {
        return stored.substring("${aes-gcm-nopadding::".length(), stored.length() - 1);
    }

    /** The SHA-256 (hex) of the clear text's UTF-8 bytes: what {@code GET /api/secret} answers when the application read it in clear. */
    public String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(clearText.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Fails when {@code text} holds the clear text (or its random token) or the key; the message names {@code where}
     * and what was found, never the secret nor the key.
     */
    public void assertNotIn(String where, String text) {
        List<String> found = new java.util.ArrayList<>();
        if (text.contains(token)) {
            found.add("the clear text's random token");
        }
        if (text.contains(clearText)) {
            found.add("the clear text");
        }
        if (text.contains(key)) {
            found.add("the encryption key");
        }
        assertEquals(List.of(), found, "secret material in clear in " + where);
    }

    @Override
    public String toString() {
        return "EncryptedSecret[sha256 " + sha256() + ", clear text and key hidden]";
    }

    private static String seal(String key, String clear) {
        try {
            byte[] aesKey = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            byte[] iv = new byte[IV_LENGTH];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"), new GCMParameterSpec(128, iv));
            byte[] sealed = cipher.doFinal(clear.getBytes(StandardCharsets.UTF_8));
            ByteBuffer out = ByteBuffer.allocate(1 + IV_LENGTH + sealed.length).put((byte) IV_LENGTH).put(iv).put(sealed);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(out.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM/NoPadding is missing from this JVM", e);
        }
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
