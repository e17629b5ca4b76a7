package io.etcdmp.internal.config;

import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.internal.client.PropertyLookup;
import io.etcdmp.internal.client.SettingValues;
import io.etcdmp.internal.secrets.SecretKeys;

import java.lang.System.Logger.Level;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The {@code etcd.config.*} settings of the config source. */
public final class ConfigSourceSettings {
    public static final String ENABLED = "etcd.config.enabled";
    public static final String PREFIXES = "etcd.config.prefixes";
    public static final String ORDINAL = "etcd.config.ordinal";
    public static final String OPTIONAL = "etcd.config.optional";
    public static final String START_TIMEOUT = "etcd.config.start-timeout";
    public static final String DOCUMENTS = "etcd.config.documents";
    public static final String CACHE_FILE = "etcd.config.cache-file";
    public static final String DOCUMENT_MAX_PROPERTIES = "etcd.config.document-max-properties";
    /** Long enough for an etcd started alongside the application, or a first call in a cold server. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);
    public static final String APP_NAME = "mp.app.name";
    /**
     * Above the application's files (microprofile-config.properties 100, Quarkus's application.properties 250 and
     * config/application.properties 260), below the environment (300) and system properties (400): ties with no
     * runtime's own source.
     */
    public static final int DEFAULT_ORDINAL = 270;
    public static final String SHARED_PREFIX = "/config/application/";

    private static final System.Logger LOG = System.getLogger(ConfigSourceSettings.class.getName());

    private final boolean enabled;
    private final List<String> prefixes;
    private final int ordinal;
    private final boolean optional;
    private final Duration startTimeout;
    private final List<String> documents;
    private final Optional<Path> cacheFile;
    private final int documentMaxProperties;
    private final SecretKeys keys;

    private ConfigSourceSettings(boolean enabled, List<String> prefixes, int ordinal, boolean optional, Duration startTimeout,
                                 List<String> documents, Optional<Path> cacheFile, int documentMaxProperties, SecretKeys keys) {
        this.enabled = enabled;
        this.prefixes = List.copyOf(prefixes);
        this.ordinal = ordinal;
        this.optional = optional;
        this.startTimeout = startTimeout;
        this.documents = List.copyOf(documents);
        this.cacheFile = cacheFile;
        this.documentMaxProperties = documentMaxProperties;
        this.keys = keys;
    }

    public static ConfigSourceSettings from(PropertyLookup lookup) {
        SettingValues values = new SettingValues(lookup);
        List<String> prefixes = values.list(PREFIXES);
        if (prefixes.isEmpty()) {
            if (values.string(PREFIXES).isPresent() || lookup.get(PREFIXES).isPresent()) {
                throw new EtcdMicroprofileException("Setting " + PREFIXES + " is empty: give one or more key prefixes such as "
                        + SHARED_PREFIX + " (an empty prefix would expose the whole keyspace)");
            }
            prefixes = defaultPrefixes(values.string(APP_NAME));
        }
        return new ConfigSourceSettings(values.bool(ENABLED, true), normalize(prefixes),
                values.integer(ORDINAL, DEFAULT_ORDINAL), values.bool(OPTIONAL, false),
                values.duration(START_TIMEOUT, DEFAULT_START_TIMEOUT), documents(values.list(DOCUMENTS)),
                values.string(CACHE_FILE).map(String::trim).filter(f -> !f.isEmpty()).map(ConfigSourceSettings::cachePath),
                documentMaxProperties(values.integer(DOCUMENT_MAX_PROPERTIES, ConfigDocument.DEFAULT_MAX_PROPERTIES)),
                keys(lookup));
    }

    private static SecretKeys keys(PropertyLookup lookup) {
        try {
            return SecretKeys.from(lookup::get);
        } catch (IllegalArgumentException e) { // names the setting or file, never a key
            throw new EtcdMicroprofileException(e.getMessage());
        }
    }

    private static int documentMaxProperties(int max) {
        if (max < 1) {
            throw new EtcdMicroprofileException("Setting " + DOCUMENT_MAX_PROPERTIES + " is " + max
                    + "; give the most properties one document may hold (1 or more, default "
                    + ConfigDocument.DEFAULT_MAX_PROPERTIES + ")");
        }
        return max;
    }

    private static List<String> documents(List<String> names) {
        List<String> out = new ArrayList<>();
        for (String name : names) {
            if (!ConfigDocument.readable(name)) {
                throw new EtcdMicroprofileException("Setting " + DOCUMENTS + " names '" + name + "', which has none of the extensions "
                        + ConfigDocument.EXTENSIONS + " that say how to read the document");
            }
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }

    private static Path cachePath(String file) {
        try {
            return Path.of(file).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw new EtcdMicroprofileException("Setting " + CACHE_FILE + " is not a file path: " + e.getMessage());
        }
    }

    static List<String> defaultPrefixes(Optional<String> appName) {
        List<String> out = new ArrayList<>();
        out.add(SHARED_PREFIX);
        appName.ifPresent(app -> out.add("/config/" + app + "/"));
        return out;
    }

    private static List<String> normalize(List<String> prefixes) {
        List<String> out = new ArrayList<>();
        for (String p : prefixes) {
            String prefix = p;
            if (!prefix.endsWith("/")) {
                LOG.log(Level.WARNING, "Prefix ''{0}'' in setting {1} does not end with ''/''; using ''{0}/'' so that "
                        + "keys of sibling prefixes are not read", p, PREFIXES);
                prefix = prefix + "/";
            }
            if (prefix.equals("/")) {
                LOG.log(Level.WARNING, "Prefix ''/'' in setting {0} reads every key that starts with ''/''", PREFIXES);
            }
            if (!out.contains(prefix)) {
                out.add(prefix);
            }
        }
        return out;
    }

    public boolean enabled() {
        return enabled;
    }

    /** The prefixes, lowest precedence first: a later one overrides an earlier one. */
    public List<String> prefixes() {
        return prefixes;
    }

    public int ordinal() {
        return ordinal;
    }

    public boolean optional() {
        return optional;
    }

    /**
     * How long a required source keeps reading etcd at start (each read bounded by the request
     * timeout, retried with backoff) before the start fails; credentials or permissions etcd refused
     * fail at once.
     */
    public Duration startTimeout() {
        return startTimeout;
    }

    /** Key names below each prefix whose value is a document, lowest precedence first ({@code etcd.config.documents}). */
    public List<String> documents() {
        return documents;
    }

    /** The most properties one document may give ({@code etcd.config.document-max-properties}); more: it does not parse. */
    public int documentMaxProperties() {
        return documentMaxProperties;
    }

    /** Where the last known good snapshot is kept ({@code etcd.config.cache-file}); empty: nowhere. */
    public Optional<Path> cacheFile() {
        return cacheFile;
    }

    /** The keys that decrypt {@code ${aes-gcm-nopadding::...}} values ({@link SecretKeys}); none configured: empty. */
    public SecretKeys keys() {
        return keys;
    }

    /** Equal settings let Configs of one class loader share one source ({@link EtcdConfigSourceProvider}). */
    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigSourceSettings other && enabled == other.enabled && ordinal == other.ordinal
                && optional == other.optional && prefixes.equals(other.prefixes) && startTimeout.equals(other.startTimeout)
                && documents.equals(other.documents) && cacheFile.equals(other.cacheFile) && keys.equals(other.keys);
    }

    @Override
    public int hashCode() {
        return Objects.hash(enabled, prefixes, ordinal, optional, startTimeout, documents, cacheFile, keys);
    }

    /** The prefix that code writes to: the last (most specific) one. */
    public String writePrefix() {
        return prefixes.get(prefixes.size() - 1);
    }
}
