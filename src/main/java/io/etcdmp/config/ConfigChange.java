package io.etcdmp.config;

import java.util.Objects;
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

    @Override
    public boolean equals(Object other) {
        return other == this || other instanceof ConfigChange that
                && Objects.equals(name, that.name)
                && Objects.equals(oldValue, that.oldValue)
                && Objects.equals(newValue, that.newValue);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, oldValue, newValue);
    }
}
