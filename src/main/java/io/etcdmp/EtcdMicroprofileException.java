package io.etcdmp;

/**
 * The one unchecked exception of this library: a setting that cannot be used, or etcd that cannot
 * be reached or refuses a request. The message names the setting, key or endpoint concerned and never
 * contains a credential.
 */
public class EtcdMicroprofileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EtcdMicroprofileException(String message) {
        super(message);
    }

    public EtcdMicroprofileException(String message, Throwable cause) {
        super(message, cause);
    }
}
