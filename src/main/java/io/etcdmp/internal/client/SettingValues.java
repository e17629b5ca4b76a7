package io.etcdmp.internal.client;

import io.etcdmp.EtcdMicroprofileException;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Typed reads of settings, each failing with a message that names the setting and the bad value. */
public final class SettingValues {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

    private final PropertyLookup lookup;

    public SettingValues(PropertyLookup lookup) {
        this.lookup = lookup;
    }

    public Optional<String> string(String key) {
        return lookup.get(key).map(String::trim).filter(s -> !s.isEmpty());
    }

    public String string(String key, String defaultValue) {
        return string(key).orElse(defaultValue);
    }

    public boolean bool(String key, boolean defaultValue) {
        Optional<String> raw = string(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        String v = raw.get().toLowerCase(Locale.ROOT);
        if (v.equals("true")) {
            return true;
        }
        if (v.equals("false")) {
            return false;
        }
        throw invalid(key, raw.get(), "true or false");
    }

    public int integer(String key, int defaultValue) {
        Optional<String> raw = string(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(raw.get());
        } catch (NumberFormatException e) {
            throw invalid(key, raw.get(), "a whole number");
        }
    }

    /** A duration: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, ISO-8601 ({@code PT5S}); a bare number is milliseconds. */
    public Duration duration(String key, Duration defaultValue) {
        Optional<String> raw = string(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        Duration d = parseDuration(raw.get());
        if (d == null || d.isNegative() || d.isZero()) {
            throw invalid(key, raw.get(), "a positive duration such as 500ms, 5s, 2m or PT5S");
        }
        return d;
    }

    /** A duration like {@link #duration}, where {@code 0} (any unit) is allowed: a setting whose 0 turns something off. */
    public Duration durationOrZero(String key, Duration defaultValue) {
        Optional<String> raw = string(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        Duration d = parseDuration(raw.get());
        if (d == null || d.isNegative()) {
            throw invalid(key, raw.get(), "a duration of 0 (off) or more such as 0s, 500ms, 10s or PT10S");
        }
        return d;
    }

    /** Comma-separated list, blanks dropped. */
    public List<String> list(String key) {
        List<String> out = new ArrayList<>();
        string(key).ifPresent(v -> {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        });
        return out;
    }

    /**
     * The duration {@code text} says, or null when it says none: a number too large for its unit, or a duration
     * beyond ~292 years (its nanoseconds overflow a long, which every deadline computed from it would do).
     */
    static Duration parseDuration(String text) {
        String t = text.trim();
        Matcher m = DURATION.matcher(t.toLowerCase(Locale.ROOT));
        try {
            Duration d;
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "ms" : m.group(2);
                switch (unit) {
                    case "ms": d = Duration.ofMillis(n); break;
                    case "s": d = Duration.ofSeconds(n); break;
                    case "m": d = Duration.ofMinutes(n); break;
                    default: d = Duration.ofHours(n);
                }
            } else {
                d = Duration.parse(t);
            }
            d.toNanos();
            return d;
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            return null;
        }
    }

    public static EtcdMicroprofileException invalid(String key, String value, String expected) {
        return new EtcdMicroprofileException("Invalid value '" + value + "' for setting " + key + ": expected " + expected);
    }
}
