package io.etcdmp.internal.secrets;

import java.util.Optional;

/**
 * The {@code ${aes-gcm-nopadding::<ciphertext>}} form: a value that is exactly this expression (surrounding
 * white space allowed) is encrypted. An expression inside a longer value is not decrypted by the library.
 */
public final class EncryptedValue {
    public static final String HANDLER = "aes-gcm-nopadding";
    private static final String OPEN = "${" + HANDLER + "::";
    /** What is shown instead of an encrypted value where it is not decrypted (plans, the console, events). */
    public static final String MASK = "(encrypted)";

    private EncryptedValue() {
    }

    /** Whether a value is in the encrypted form. */
    public static boolean isEncrypted(String value) {
        return value != null && ciphertext(value).isPresent();
    }

    /** The ciphertext inside the form, or empty when the value is not in it. */
    public static Optional<String> ciphertext(String value) {
        String v = value.strip();
        if (v.startsWith(OPEN) && v.endsWith("}") && v.indexOf('}') == v.length() - 1) {
            return Optional.of(v.substring(OPEN.length(), v.length() - 1));
        }
        return Optional.empty();
    }

    /** The form holding {@code ciphertext}. */
    public static String wrap(String ciphertext) {
        return OPEN + ciphertext + "}";
    }
}
