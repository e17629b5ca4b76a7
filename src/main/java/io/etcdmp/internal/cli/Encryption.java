package io.etcdmp.internal.cli;

import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.internal.secrets.AesGcmCipher;
import io.etcdmp.internal.secrets.EncryptedValue;
import io.etcdmp.internal.secrets.SecretException;
import io.etcdmp.internal.secrets.SecretKeys;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tool's side of encrypted values ({@code ${aes-gcm-nopadding::...}}, docs/SECRETS.md): the keys from the same
 * settings as the library (the tool's flags first, then system properties, the environment,
 * {@code microprofile-config.properties}), encrypting and re-encrypting. Never shows a key or a clear text.
 */
public final class Encryption {
    /** What the tool shows for an encrypted value. */
    public static final String MASK = EncryptedValue.MASK;
    public static final String KEY = SecretKeys.KEY;
    public static final String KEY_FILE = SecretKeys.KEY_FILE;
    public static final String DECODE = SecretKeys.DECODE;
    public static final String PREVIOUS = SecretKeys.PREVIOUS;

    /** An encrypted value inside a longer text (a document); the ciphertext is base64url. */
    private static final Pattern EMBEDDED = Pattern.compile("\\$\\{" + EncryptedValue.HANDLER + "::([A-Za-z0-9_=-]*)}");
    private final SecretKeys keys;

    private Encryption(SecretKeys keys) {
        this.keys = keys;
    }

    /** The keys the settings name ({@code flags} first, as {@link ToolConnection#lookup}). */
    public static Encryption from(Map<String, String> flags) {
        try {
            return new Encryption(SecretKeys.from(ToolConnection.lookup(flags)::get));
        } catch (IllegalArgumentException e) { // names the setting or file, never a key
            throw new EtcdMicroprofileException(e.getMessage());
        }
    }

    /** Whether {@code value} is an encrypted value (the whole value in the expression form). */
    public static boolean isEncrypted(String value) {
        return EncryptedValue.isEncrypted(value);
    }

    /** {@code clearText} encrypted with the current key, in the {@code ${aes-gcm-nopadding::...}} form. */
    public String encrypt(String clearText) {
        return EncryptedValue.wrap(current().encrypt(clearText));
    }

    /**
     * {@code stored} (the value of {@code key}) with every encrypted value in it encrypted with the current key: the
     * whole value, or each {@code ${aes-gcm-nopadding::...}} inside a document (YAML, JSON, .properties), the rest of
     * its text unchanged; empty when there is none or the current key already opens each.
     *
     * @throws EtcdMicroprofileException naming {@code key} when no configured key opens one
     */
    public Optional<String> reencrypt(String key, String stored) {
        if (EncryptedValue.isEncrypted(stored)) {
            return reencryptOne(key, EncryptedValue.ciphertext(stored).orElseThrow()).map(EncryptedValue::wrap);
        }
        Matcher m = EMBEDDED.matcher(stored);
        StringBuilder out = new StringBuilder();
        boolean changed = false;
        while (m.find()) {
            Optional<String> fresh = reencryptOne(key, m.group(1));
            changed |= fresh.isPresent();
            m.appendReplacement(out, Matcher.quoteReplacement(fresh.map(EncryptedValue::wrap).orElse(m.group())));
        }
        m.appendTail(out);
        return changed ? Optional.of(out.toString()) : Optional.empty();
    }

    private Optional<String> reencryptOne(String key, String ciphertext) {
        AesGcmCipher current = current();
        try {
            SecretKeys.Decrypted opened = keys.decrypt(ciphertext);
            return opened.keyIndex() == 0 ? Optional.empty() : Optional.of(current.encrypt(opened.clearText()));
        } catch (SecretException e) {
            throw new EtcdMicroprofileException("The encrypted value of " + key + " does not decrypt with any configured key: "
                    + e.getMessage() + ". Add the key it was encrypted with to " + PREVIOUS + " (nothing was written)");
        }
    }

    private AesGcmCipher current() {
        return keys.current().orElseThrow(() -> new EtcdMicroprofileException("No encryption key: set " + KEY_FILE
                + " (--encryption-key-file) or " + KEY + " (e.g. the environment variable "
                + "SMALLRYE_CONFIG_SECRET_HANDLER_AES_GCM_NOPADDING_ENCRYPTION_KEY)"));
    }

    @Override
    public String toString() {
        return "Encryption[" + keys + "]";
    }
}
