package io.etcdmp.internal.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which property names look secret, so that their values are masked wherever the tool shows them: a name is
 * cut into parts at every character that is not a letter or digit, at every change from a lower-case letter or a
 * digit to an upper-case one, and before the last capital of a run followed by a lower-case letter
 * ({@code db.password}, {@code api-token}, {@code apiKey}, {@code servers[0].secret}, {@code APIKey}), and it is
 * secret when one part equals one of the words or the word with an {@code s} (its plural: {@code db.credentials},
 * {@code apiKeys}, {@code DB_PASSWORDS}), ignoring case ({@code keystore.path}, {@code monkeys}, {@code tokenizer}
 * are not).
 */
public final class SecretNames {
    /** The words of {@code --mask} when it is not given. */
    public static final List<String> DEFAULT_WORDS = List.of("password", "secret", "token", "credential", "key");
    /** What a masked value shows. */
    public static final String MASK = "(masked)";

    private final List<String> words;

    public SecretNames(List<String> words) {
        List<String> lower = new ArrayList<>();
        for (String w : words) {
            String t = w.strip().toLowerCase(Locale.ROOT);
            if (!t.isEmpty()) {
                lower.add(t);
            }
        }
        this.words = List.copyOf(lower);
    }

    public static SecretNames defaults() {
        return new SecretNames(DEFAULT_WORDS);
    }

    public List<String> words() {
        return words;
    }

    /** True when {@code name} (a property name or a key) has a part that is one of the words. */
    public boolean isSecret(String name) {
        if (name == null || words.isEmpty()) {
            return false;
        }
        StringBuilder part = new StringBuilder();
        char previous = 0;
        for (int i = 0; i <= name.length(); i++) {
            char c = i < name.length() ? name.charAt(i) : 0;
            char next = i + 1 < name.length() ? name.charAt(i + 1) : 0;
            boolean boundary = !Character.isLetterOrDigit(c)
                    || (Character.isUpperCase(c) && (Character.isLowerCase(previous) || Character.isDigit(previous)))
                    || (Character.isUpperCase(c) && Character.isUpperCase(previous) && Character.isLowerCase(next));
            if (boundary && part.length() > 0) {
                if (isWord(part.toString().toLowerCase(Locale.ROOT))) {
                    return true;
                }
                part.setLength(0);
            }
            if (Character.isLetterOrDigit(c)) {
                part.append(c);
            }
            previous = c;
        }
        return false;
    }

    private boolean isWord(String part) {
        return words.contains(part) || part.length() > 1 && part.endsWith("s") && words.contains(part.substring(0, part.length() - 1));
    }

    /** {@code value}, or {@link #MASK} when {@code name} looks secret. */
    public String show(String name, String value) {
        return value != null && isSecret(name) ? MASK : value;
    }
}
