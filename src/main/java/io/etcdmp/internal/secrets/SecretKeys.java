package io.etcdmp.internal.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The keys that decrypt {@code ${aes-gcm-nopadding::...}} values: the current one, then the previous ones
 * (rotation). Settings, read from the same places as the library's others:
 * <ul>
 * <li>{@value #KEY} (SmallRye Config's own name) or {@value #KEY_FILE}, a file only its owner may read;</li>
 * <li>{@value #DECODE}: the keys are base64url (SmallRye's {@code encryption-key-decode});</li>
 * <li>{@value #PREVIOUS}: comma-separated earlier keys, each a value or {@code file:<path>}, tried in order after
 * the current key. Entries are trimmed: a key with a comma, a {@code file:} start or outer white space is given as
 * a file (docs/SECRETS.md).</li>
 * </ul>
 * {@link #toString()} names where the keys came from, never a key.
 */
public final class SecretKeys {
    public static final String KEY = "smallrye.config.secret-handler.aes-gcm-nopadding.encryption-key";
    public static final String DECODE = "smallrye.config.secret-handler.aes-gcm-nopadding.encryption-key-decode";
    public static final String KEY_FILE = "etcd.config.encryption-key-file";
    public static final String PREVIOUS = "etcd.config.previous-encryption-keys";
    private static final Set<PosixFilePermission> NOT_OWNER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    /** What SmallRye Config's boolean converter reads as true (case ignored); anything else is false, as there. */
    private static final Set<String> TRUE = Set.of("TRUE", "1", "YES", "Y", "ON", "JA", "J", "SI", "SIM", "OUI");
    private final List<AesGcmCipher> ciphers;

    private SecretKeys(List<AesGcmCipher> ciphers) {
        this.ciphers = List.copyOf(ciphers);
    }

    /** No key: encrypted values cannot be read. */
    public static SecretKeys none() {
        return new SecretKeys(List.of());
    }

    /** The keys given explicitly, current first (tests, the command line). */
    public static SecretKeys of(AesGcmCipher current, AesGcmCipher... previous) {
        List<AesGcmCipher> all = new ArrayList<>();
        all.add(current);
        all.addAll(List.of(previous));
        return new SecretKeys(all);
    }

    /**
     * The keys the settings name.
     *
     * @throws IllegalArgumentException naming the setting or file (never a key) when a key cannot be read, a key
     *         file may be read by others than its owner, or both {@value #KEY} and {@value #KEY_FILE} are set
     */
    public static SecretKeys from(Function<String, Optional<String>> settings) {
        boolean decode = settings.apply(DECODE).map(SecretKeys::isTrue).orElse(false);
        Optional<String> value = settings.apply(KEY);
        Optional<String> file = settings.apply(KEY_FILE);
        if (value.isPresent() && file.isPresent()) {
            throw new IllegalArgumentException("Both " + KEY + " and " + KEY_FILE + " are set: set one of them");
        }
        List<AesGcmCipher> all = new ArrayList<>();
        value.ifPresent(v -> all.add(AesGcmCipher.of(v, decode, KEY)));
        file.ifPresent(f -> all.add(AesGcmCipher.of(readKeyFile(Path.of(f.strip()), KEY_FILE), decode, KEY_FILE + " " + f.strip())));
        if (all.isEmpty() && settings.apply(PREVIOUS).isPresent()) {
            throw new IllegalArgumentException(PREVIOUS + " is set but no current key: set " + KEY + " or " + KEY_FILE);
        }
        settings.apply(PREVIOUS).ifPresent(list -> {
            int n = 0;
            for (String entry : list.split(",")) {
                String e = entry.strip();
                n++;
                if (e.isEmpty()) {
                    continue;
                }
                String origin = PREVIOUS + " #" + n;
                if (e.startsWith("file:")) {
                    String path = e.substring("file:".length());
                    all.add(AesGcmCipher.of(readKeyFile(Path.of(path), origin), decode, origin + " (" + path + ")"));
                } else {
                    all.add(AesGcmCipher.of(e, decode, origin));
                }
            }
        });
        return new SecretKeys(all);
    }

    /** {@value #DECODE} read as SmallRye Config reads a boolean. */
    static boolean isTrue(String value) {
        return TRUE.contains(value.strip().toUpperCase(java.util.Locale.ROOT));
    }

    /** Whether any key is configured. */
    public boolean isEmpty() {
        return ciphers.isEmpty();
    }

    /** The key new values are encrypted with. */
    public Optional<AesGcmCipher> current() {
        return ciphers.isEmpty() ? Optional.empty() : Optional.of(ciphers.get(0));
    }

    /**
     * The clear text of a stored form, with the first key that opens it.
     *
     * @throws SecretException when no key is configured, or none opens it (the reason of the current key's failure)
     */
    public Decrypted decrypt(String stored) {
        if (ciphers.isEmpty()) {
            throw new SecretException("no encryption key is configured (" + KEY + " or " + KEY_FILE + ")");
        }
        SecretException first = null;
        for (int i = 0; i < ciphers.size(); i++) {
            try {
                return new Decrypted(ciphers.get(i).decrypt(stored), i);
            } catch (SecretException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        throw ciphers.size() == 1 ? first
                : new SecretException(first.getMessage() + " (tried the current key and " + (ciphers.size() - 1) + " previous)");
    }

    /** A decrypted value and which key opened it (0 = the current one). */
    public record Decrypted(String clearText, int keyIndex) {
        @Override
        public String toString() {
            return "Decrypted[key #" + keyIndex + ", value hidden]";
        }

        @Override
        public boolean equals(Object other) {
            return other == this || other instanceof Decrypted that
                    && Objects.equals(clearText, that.clearText)
                    && keyIndex == that.keyIndex;
        }

        @Override
        public int hashCode() {
            return Objects.hash(clearText, keyIndex);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretKeys other && ciphers.equals(other.ciphers);
    }

    @Override
    public int hashCode() {
        return ciphers.hashCode();
    }

    @Override
    public String toString() {
        return "SecretKeys" + ciphers.stream().map(AesGcmCipher::origin).toList();
    }

    private static String readKeyFile(Path file, String setting) {
        try {
            PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            if (posix != null) {
                Set<PosixFilePermission> permissions = posix.readAttributes().permissions();
                if (permissions.stream().anyMatch(NOT_OWNER::contains)) {
                    throw new IllegalArgumentException("The encryption key file " + file + " (" + setting + ") may be read by "
                            + "others than its owner: chmod 600 " + file);
                }
            }
            String key = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (key.isEmpty()) {
                throw new IllegalArgumentException("The encryption key file " + file + " (" + setting + ") is empty");
            }
            return key;
        } catch (IOException e) {
            throw new IllegalArgumentException("The encryption key file " + file + " (" + setting + ") cannot be read: "
                    + e.getClass().getSimpleName());
        }
    }
}
