package io.etcdmp.internal.config;


import io.etcdmp.internal.client.EtcdSettings;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.ConfigValueConfigSource;

import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;

/**
 * The etcd config source as SmallRye Config's own source type: SmallRye asks it for a
 * {@link ConfigValue} and gets the one kept for the property since its last change, as from its
 * in-memory sources, instead of wrapping a {@code String} into a new {@code ConfigValue} on every
 * lookup. Loaded only when {@link io.etcdmp.internal.client.OptionalApis#SMALLRYE_CONFIG}; everything else is the plain source's.
 */
final class SmallRyeEtcdConfigSource extends PrefixConfigSource implements ConfigValueConfigSource {
    private static final System.Logger LOG = System.getLogger(SmallRyeEtcdConfigSource.class.getName());

    private SmallRyeEtcdConfigSource(ConfigSourceSettings settings, EtcdSettings etcd) {
        super(settings, etcd);
    }

    /** The SmallRye-aware source, or null when this SmallRye Config lacks what it needs (then the plain source serves). */
    static PrefixConfigSource createOrNull(ConfigSourceSettings settings, EtcdSettings etcd) {
        try {
            SmallRyeEtcdConfigSource source = new SmallRyeEtcdConfigSource(settings, etcd);
            source.lookupValue("probe", "probe", "probe"); // links the ConfigValue builder now rather than at the first lookup
            return source;
        } catch (LinkageError e) {
            LOG.log(Level.DEBUG, "SmallRye Config is visible but not usable here; using the plain config source", e);
            return null;
        }
    }

    @Override
    Object lookupValue(String propertyName, String value, String raw) {
        return ConfigValue.builder()
                .withName(propertyName)
                .withValue(value)
                .withRawValue(raw)
                .withConfigSourceName(getName())
                .withConfigSourceOrdinal(getOrdinal())
                .build();
    }

    @Override
    public ConfigValue getConfigValue(String propertyName) {
        return (ConfigValue) lookup(propertyName);
    }

    @Override
    public String getValue(String propertyName) {
        ConfigValue value = getConfigValue(propertyName);
        return value == null ? null : value.getValue();
    }

    /** As {@link #getProperties()}: encrypted values as stored, never in clear. */
    @Override
    public Map<String, ConfigValue> getConfigValueProperties() {
        Map<String, ConfigValue> all = new HashMap<>();
        getProperties().forEach((name, value) -> all.put(name, (ConfigValue) lookupValue(name, value, value)));
        return all;
    }
}
