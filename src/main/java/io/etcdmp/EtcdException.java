package io.etcdmp;

/**
 * The one unchecked exception of this library: a setting that cannot be used, or etcd that cannot
 * be reached or refuses a request. The message names the setting, key or endpoint concerned and never
 * contains a credential.
 */
public class EtcdException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EtcdException(String message) {
        super(message);
    }

    public EtcdException(String message, Throwable cause) {
        super(message, cause);
    }
}
