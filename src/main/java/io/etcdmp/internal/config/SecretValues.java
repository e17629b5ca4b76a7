package io.etcdmp.internal.config;

import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.internal.secrets.EncryptedValue;
import io.etcdmp.internal.secrets.SecretException;
import io.etcdmp.internal.secrets.SecretKeys;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A config source's encrypted values ({@code ${aes-gcm-nopadding::...}}): the snapshot (and so the cache file)
 * keeps the ciphertext; {@link #clear} decrypts when a property is first looked up since it changed, and the
 * snapshot's lookup cache keeps that clear text until the property changes again. A value that does not decrypt
 * is absent, or, after a value that did, the last good one is kept; either way one WARNING names the property,
 * the revision and the reason, never the value or a key. Warnings found during a lookup (under the snapshot's
 * read lock) are queued and logged by the source after the lookup ({@link #logPending}).
 */
final class SecretValues {
    private static final System.Logger LOG = System.getLogger(SecretValues.class.getName());
    /** The looked-up form of a property whose value does not decrypt: the source answers {@code null}. */
    static final Object ABSENT = new Object() {
        @Override
        public String toString() {
            return "(encrypted value that does not decrypt)";
        }
    };

    private final SecretKeys keys;
    private final String source;
    /** Per property, the last ciphertext that decrypted: what a change to a bad one keeps serving. */
    private final Map<String, String> lastGood = new ConcurrentHashMap<>();
    /** Per property, the ciphertext last warned about: one WARNING per bad value. */
    private final Map<String, String> warned = new ConcurrentHashMap<>();
    private final Queue<String> pending = new ConcurrentLinkedQueue<>();
    /** Read on every lookup: true while {@link #pending} may hold warnings. */
    private volatile boolean hasPending;

    /** A required source's encrypted value that does not decrypt at start: the start fails. */
    static final class Unreadable extends EtcdMicroprofileException {
        Unreadable(String message) {
            super(message);
        }
    }

    SecretValues(SecretKeys keys, String source) {
        this.keys = keys;
        this.source = source;
    }

    /**
     * The value a lookup of {@code name} returns for the stored {@code value}: itself when not encrypted, the clear
     * text when it decrypts, the last good clear text or {@code null} (absent) when it does not.
     */
    String clear(String name, String value, long revision) {
        Optional<String> ciphertext = value.indexOf("${") >= 0
                ? EncryptedValue.ciphertext(value) : Optional.empty();
        if (ciphertext.isEmpty()) {
            lastGood.remove(name);
            return value;
        }
        String stored = ciphertext.get();
        try {
            String clear = keys.decrypt(stored).clearText();
            lastGood.put(name, stored);
            warned.remove(name);
            return literal(clear);
        } catch (SecretException e) {
            String good = lastGood.get(name);
            if (good != null) {
                try {
                    String kept = keys.decrypt(good).clearText();
                    queue(name, stored, revision, e.getMessage(), true);
                    return literal(kept);
                } catch (SecretException stillBad) {
                    lastGood.remove(name);
                }
            }
            queue(name, stored, revision, e.getMessage(), false);
            return null;
        }
    }

    /**
     * The clear text escaped so that the config's expression expansion gives it back unchanged, as SmallRye's own
     * handler's result is: a {@code $} before {@code {} or {@code $} gets a {@code \\} (MicroProfile Config's escape;
     * SmallRye reads {@code \\$} as {@code $$}, one {@code $}). Without such a pair the text is returned as it is.
     */
    static String literal(String clear) {
        if (!clear.contains("${") && !clear.contains("$$")) {
            return clear;
        }
        StringBuilder escaped = new StringBuilder(clear.length() + 8);
        for (int i = 0; i < clear.length(); i++) {
            char c = clear.charAt(i);
            if (c == '$' && i + 1 < clear.length() && (clear.charAt(i + 1) == '{' || clear.charAt(i + 1) == '$')) {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    /** A batch changed {@code name} to {@code now} ({@code null}: gone): a deleted or plain value forgets the last good one. */
    void changed(String name, String now) {
        if (now == null || EncryptedValue.ciphertext(now).isEmpty()) {
            lastGood.remove(name);
            warned.remove(name);
        }
    }

    /**
     * Tries every encrypted value of the source as it starts (read from etcd or the cache file).
     *
     * @throws Unreadable naming the first property that does not decrypt when {@code required}
     *         ({@code etcd.config.optional=false}); otherwise each is warned about and absent
     */
    void checkAtStart(Map<String, String> all, boolean required, long revision) {
        for (Map.Entry<String, String> property : all.entrySet()) {
            Optional<String> ciphertext = EncryptedValue.ciphertext(property.getValue());
            if (ciphertext.isEmpty()) {
                continue;
            }
            try {
                keys.decrypt(ciphertext.get());
                lastGood.put(property.getKey(), ciphertext.get());
            } catch (SecretException e) {
                if (required) {
                    throw new Unreadable("Encrypted property '" + property.getKey() + "' of " + source
                            + " at revision " + revision + " does not decrypt: " + e.getMessage() + ". Fix its value or the key ("
                            + SecretKeys.KEY + ", " + SecretKeys.KEY_FILE + ", " + SecretKeys.PREVIOUS + "), or set "
                            + ConfigSourceSettings.OPTIONAL + "=true to start without it");
                }
                queue(property.getKey(), ciphertext.get(), revision, e.getMessage(), false);
            }
        }
        logPending();
    }

    private void queue(String name, String ciphertext, long revision, String reason, boolean keptLast) {
        if (ciphertext.equals(warned.put(name, ciphertext))) {
            return;
        }
        pending.add("Encrypted property '" + name + "' of " + source + " at revision " + revision + " does not decrypt: "
                + reason + (keptLast ? "; keeping its last good value" : "; the property is absent from this source"));
        hasPending = true;
    }

    /** Logs the warnings queued by lookups, if any; called on every lookup with no lock of ours held. */
    void logPending() {
        if (!hasPending) {
            return;
        }
        hasPending = false;
        for (String line; (line = pending.poll()) != null; ) {
            LOG.log(Level.WARNING, line);
        }
    }
}
