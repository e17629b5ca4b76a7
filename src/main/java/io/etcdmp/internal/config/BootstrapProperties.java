package io.etcdmp.internal.config;

import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.internal.client.PropertyLookup;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The settings of the config source, read from the places a user sets any MicroProfile Config
 * property before etcd is consulted: system properties (400), environment variables (300, with MP's
 * name mapping: {@code etcd.config.prefixes} is also found as {@code ETCD_CONFIG_PREFIXES}) and every
 * {@code META-INF/microprofile-config.properties} on the class path (their {@code config_ordinal},
 * default 100); under Quarkus also {@code application.properties} (250, where Quarkus users put every
 * setting). Works with any MP Config implementation because it calls none of them. Expressions
 * {@code ${name}} and {@code ${name:default}} are expanded from the same places.
 */
final class BootstrapProperties implements PropertyLookup {
    static final String FILE = "META-INF/microprofile-config.properties";
    /** Quarkus's own file on the class path, ordinal 250; read only where Quarkus runs. */
    static final String QUARKUS_FILE = "application.properties";
    private static final int QUARKUS_FILE_ORDINAL = 250;

    private final Map<String, String> env;
    private final List<Properties> files;

    BootstrapProperties(ClassLoader loader, Map<String, String> env) {
        this.env = env;
        this.files = load(loader);
    }

    static BootstrapProperties forClassLoader(ClassLoader loader) {
        return new BootstrapProperties(loader, System.getenv());
    }

    @Override
    public Optional<String> get(String name) {
        return raw(name).map(v -> expandSetting(name, v)).filter(v -> !v.isBlank());
    }

    /** Expands {@code value}; a failure in a key or password setting names the setting, never a part of its value. */
    private String expandSetting(String name, String value) {
        try {
            return expand(value, 0);
        } catch (EtcdMicroprofileException e) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.contains("key") || lower.contains("password") || lower.contains("secret")) {
                throw new EtcdMicroprofileException("The value of " + name + " has a property expression ${...} that cannot be"
                        + " resolved or nests too deeply (the value is not shown: it is secret)");
            }
            throw e;
        }
    }

    private Optional<String> raw(String name) {
        String v = System.getProperty(name);
        if (v == null) {
            v = env.get(name);
        }
        if (v == null) {
            String envName = environmentName(name);
            v = env.get(envName);
            if (v == null) {
                v = env.get(envName.toUpperCase(Locale.ROOT));
            }
        }
        for (int i = 0; v == null && i < files.size(); i++) {
            v = files.get(i).getProperty(name);
        }
        return Optional.ofNullable(v);
    }

    /** MicroProfile's environment variable form of a property name: every character but [A-Za-z0-9_] becomes '_'. */
    private static String environmentName(String name) {
        char[] chars = name.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            char c = chars[i];
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
                chars[i] = '_';
            }
        }
        return new String(chars);
    }

    private String expand(String value, int depth) {
        if (depth > 8) {
            throw new EtcdMicroprofileException("Property expression '" + value + "' nests too deeply (a loop?)");
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < value.length()) {
            int start = value.indexOf("${", i);
            if (start < 0 || (start > 0 && value.charAt(start - 1) == '\\')) {
                out.append(value, i, start < 0 ? value.length() : start + 2);
                i = start < 0 ? value.length() : start + 2;
                continue;
            }
            int end = value.indexOf('}', start);
            if (end < 0) {
                out.append(value.substring(i));
                break;
            }
            out.append(value, i, start);
            String expr = value.substring(start + 2, end);
            int colon = expr.indexOf(':');
            String key = colon < 0 ? expr : expr.substring(0, colon);
            Optional<String> resolved = raw(key).map(v -> expand(v, depth + 1));
            if (resolved.isPresent()) {
                out.append(resolved.get());
            } else if (colon >= 0) {
                out.append(expand(expr.substring(colon + 1), depth + 1));
            } else {
                throw new EtcdMicroprofileException("Property expression '${" + expr + "}' cannot be resolved: " + key
                        + " is not set in system properties, environment or " + FILE);
            }
            i = end + 1;
        }
        return out.toString();
    }

    private static List<Properties> load(ClassLoader loader) {
        List<Properties> found = new ArrayList<>(read(loader, FILE));
        if (isQuarkus(loader)) {
            for (Properties p : read(loader, QUARKUS_FILE)) {
                p.putIfAbsent("config_ordinal", String.valueOf(QUARKUS_FILE_ORDINAL));
                found.add(p);
            }
        }
        found.sort(Comparator.comparingInt(BootstrapProperties::ordinal).reversed());
        return found;
    }

    private static List<Properties> read(ClassLoader loader, String file) {
        List<Properties> found = new ArrayList<>();
        try {
            Enumeration<URL> urls = loader == null ? ClassLoader.getSystemResources(file) : loader.getResources(file);
            while (urls.hasMoreElements()) {
                URL url = urls.nextElement();
                Properties p = new Properties();
                try (InputStream in = url.openStream(); Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                    p.load(reader);
                }
                found.add(p);
            }
        } catch (IOException e) {
            throw new EtcdMicroprofileException("Cannot read " + file + " to find the etcd settings: " + e.getMessage(), e);
        }
        return found;
    }

    private static boolean isQuarkus(ClassLoader loader) {
        try {
            Class.forName("io.quarkus.runtime.Quarkus", false, loader == null ? ClassLoader.getSystemClassLoader() : loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static int ordinal(Properties p) {
        try {
            return Integer.parseInt(p.getProperty("config_ordinal", "100").trim());
        } catch (NumberFormatException e) {
            return 100;
        }
    }
}
