package io.etcdmp.config;

import java.util.Optional;

/**
 * How one property changed: its value before and after (empty: it was not, or is no longer, in etcd). An encrypted
 * value ({@code ${aes-gcm-nopadding::...}}) is given as {@code (encrypted)}, never as its ciphertext or clear text.
 */
public record ConfigChange(String name, Optional<String> oldValue, Optional<String> newValue) {
    public boolean isDeleted() {
        return newValue.isEmpty();
    }

    @Override
    public String toString() {
        return name + ": " + oldValue.orElse("(absent)") + " -> " + newValue.orElse("(absent)");
    }
}
