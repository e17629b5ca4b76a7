package io.etcdmp.internal.health;

import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.internal.client.PropertyLookup;
import io.etcdmp.internal.client.SettingValues;

import java.util.Locale;

/**
 * What the readiness check {@code etcd} asks of etcd ({@code etcd.health.readiness}). {@link #SERVING} (the
 * default): ready once the configuration was loaded, also while etcd is unreachable and the values come from
 * the snapshot or the cache file, because an etcd outage must not take every instance out of service at
 * once. {@link #CONNECTED}: ready only while etcd is reachable, every config watch live and the
 * registration held.
 */
public enum ReadinessMode {
    SERVING, CONNECTED;

    public static final String SETTING = "etcd.health.readiness";

    /** The mode set by {@code etcd.health.readiness}; an unknown value fails naming the setting. */
    public static ReadinessMode from(PropertyLookup lookup) {
        String value = new SettingValues(lookup).string(SETTING, "serving").trim();
        for (ReadinessMode mode : values()) {
            if (mode.label().equals(value.toLowerCase(Locale.ROOT))) {
                return mode;
            }
        }
        throw new EtcdMicroprofileException("Setting " + SETTING + " is '" + value + "': use serving (ready while the "
                + "instance serves its configuration, also from its snapshot during an etcd outage) or connected "
                + "(ready only while etcd is reachable)");
    }

    /** The setting's value for this mode. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
