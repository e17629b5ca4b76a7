package io.etcdmp.internal.secrets;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * One encryption key and what it does to a value, in SmallRye Config's {@code aes-gcm-nopadding} format: the AES
 * key is the SHA-256 of the configured key's bytes (its UTF-8 bytes, or its base64url-decoded bytes when
 * {@code encryption-key-decode} is true); the stored form is base64url of one byte giving the IV's length, the IV
 * (12 random bytes when we encrypt), then the ciphertext with GCM's 128-bit tag. {@link #toString()} never shows
 * the key.
 */
public final class AesGcmCipher {
    private static final String ALGORITHM = "AES/GCM/NoPadding";
    private static final int TAG_BITS = 128;
    private static final int IV_BYTES = 12;
    /** GCM's tag plus the one length byte: anything shorter cannot be a value of ours. */
    private static final int MIN_BYTES = 1 + TAG_BITS / 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final String origin;

    private AesGcmCipher(byte[] keyBytes, String origin) {
        this.key = new SecretKeySpec(sha256(keyBytes), "AES");
        this.origin = origin;
    }

    /**
     * The cipher for a configured key. {@code decode} as SmallRye's {@code encryption-key-decode}: the key is
     * base64url. {@code origin} says where the key came from (a setting or a file name), for messages.
     *
     * @throws IllegalArgumentException naming {@code origin} (never the key) when the key is empty or not base64url
     */
    public static AesGcmCipher of(String configuredKey, boolean decode, String origin) {
        Objects.requireNonNull(configuredKey, "configuredKey");
        if (configuredKey.isEmpty()) {
            throw new IllegalArgumentException("The encryption key from " + origin + " is empty");
        }
        byte[] bytes;
        if (decode) {
            try {
                bytes = Base64.getUrlDecoder().decode(configuredKey.strip());
            } catch (IllegalArgumentException e) {
                // not the decoder's message: it names the offending key character ("Illegal base64 character 2b")
                throw new IllegalArgumentException("The encryption key from " + origin + " is not base64url ("
                        + "encryption-key-decode is true): a character other than A-Z, a-z, 0-9, '-', '_' and '=' padding, or a wrong length");
            }
        } else {
            bytes = configuredKey.getBytes(StandardCharsets.UTF_8);
        }
        return new AesGcmCipher(bytes, origin);
    }

    /** The stored form of {@code clearText} (without the {@code ${aes-gcm-nopadding::}} wrapper). */
    public String encrypt(String clearText) {
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance(ALGORITHM);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            byte[] sealed = cipher.doFinal(clearText.getBytes(StandardCharsets.UTF_8));
            ByteBuffer out = ByteBuffer.allocate(1 + iv.length + sealed.length);
            out.put((byte) iv.length).put(iv).put(sealed);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(out.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is not available in this JVM: " + e.getClass().getSimpleName());
        }
    }

    /**
     * The clear text of a stored form.
     *
     * @throws SecretException saying why (not base64url, truncated, the tag does not match: a wrong key or a
     *         changed value), never with any part of the value
     */
    public String decrypt(String stored) {
        byte[] all;
        try {
            all = Base64.getUrlDecoder().decode(stored.strip());
        } catch (IllegalArgumentException e) {
            throw new SecretException("the ciphertext is not base64url");
        }
        if (all.length < MIN_BYTES) {
            throw new SecretException("the ciphertext is truncated (" + all.length + " bytes)");
        }
        int ivLength = all[0] & 0xff;
        if (ivLength == 0 || all.length < 1 + ivLength + TAG_BITS / 8) {
            throw new SecretException("the ciphertext is truncated or its IV length (" + ivLength + ") is wrong");
        }
        try {
            Cipher cipher = Cipher.getInstance(ALGORITHM);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 1, ivLength));
            byte[] clear = cipher.doFinal(all, 1 + ivLength, all.length - 1 - ivLength);
            return new String(clear, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new SecretException("the authentication tag does not match: a wrong key, or a changed or truncated value");
        } catch (GeneralSecurityException e) {
            throw new SecretException("it does not decrypt (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Where the key came from: a setting's name or a file. */
    public String origin() {
        return origin;
    }

    /** Equal when the AES keys are (settings with equal keys share one config source). */
    @Override
    public boolean equals(Object o) {
        return o instanceof AesGcmCipher other && key.equals(other.key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return "AesGcmCipher[key from " + origin + "]";
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
