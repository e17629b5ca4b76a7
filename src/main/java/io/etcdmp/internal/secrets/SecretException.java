package io.etcdmp.internal.secrets;

/** A value that does not decrypt; the message says why and never holds any part of the value or the key. */
public final class SecretException extends RuntimeException {
    public SecretException(String message) {
        super(message, null, false, false);
    }
}
