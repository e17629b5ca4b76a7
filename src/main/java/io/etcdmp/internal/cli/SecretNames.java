package io.etcdmp.internal.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which property names look secret, so that their values are masked wherever the tool shows them: a name is
 * cut into parts at every character that is not a letter or digit, at every change from a lower-case letter or a
 * digit to an upper-case one, from a letter to a digit, and before the last capital of a run followed by a
 * lower-case letter ({@code db.password}, {@code api-token}, {@code apiKey}, {@code servers[0].secret},
 * {@code APIKey}, {@code db.password1}), and it is secret when one part equals one of the words, ignoring case
 * ({@code keystore.path}, {@code monkeys}, {@code tokenizer} are not). A plural (the word with an {@code s}:
 * {@code db.credentials}, {@code DB_PASSWORDS}) counts too, except after a count-like part ({@code max}, {@code min},
 * {@code num}, {@code number}, {@code count}, {@code limit}, {@code total}: {@code llm.maxTokens},
 * {@code cache.max-keys}); the plurals of {@code key} and {@code token}, which more often name key names or
 * counts, only when joined to the part before them by a case change, a digit, {@code -} or {@code _}
 * ({@code apiKeys}, {@code access_tokens}; not {@code sort.keys}, {@code tokens.max}).
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

    /** True when {@code name} (a property name or a key) has a part that is one of the words (see the class). */
    public boolean isSecret(String name) {
        if (name == null || words.isEmpty()) {
            return false;
        }
        StringBuilder part = new StringBuilder();
        String before = null; // the previous part, lower case
        boolean joined = false; // the part being read is joined to the previous one (case change, digits, - or _)
        char previous = 0;
        for (int i = 0; i <= name.length(); i++) {
            char c = i < name.length() ? name.charAt(i) : 0;
            char next = i + 1 < name.length() ? name.charAt(i + 1) : 0;
            boolean letterOrDigit = Character.isLetterOrDigit(c);
            boolean boundary = !letterOrDigit
                    || (Character.isUpperCase(c) && (Character.isLowerCase(previous) || Character.isDigit(previous)))
                    || (Character.isUpperCase(c) && Character.isUpperCase(previous) && Character.isLowerCase(next))
                    || (Character.isDigit(c) && Character.isLetter(previous));
            if (boundary && part.length() > 0) {
                String p = part.toString().toLowerCase(Locale.ROOT);
                if (isWord(p, joined ? before : null, before)) {
                    return true;
                }
                before = p;
                joined = letterOrDigit || c == '-' || c == '_'; // cut inside a run of letters and digits, or at - or _
                part.setLength(0);
            }
            if (letterOrDigit) {
                part.append(c);
            } else if (c != '-' && c != '_') {
                joined = false; // '.', '/', '[' and the like start a new segment
            }
            previous = c;
        }
        return false;
    }

    /**
     * A word; or its plural, unless after a count-like part ({@code maxTokens}, {@code max-keys}), and for {@code key}
     * and {@code token} only when joined to a part before it ({@code apiKeys}, not {@code sort.keys}).
     */
    private boolean isWord(String part, String joinedTo, String before) {
        if (words.contains(part)) {
            return true;
        }
        if (part.length() < 2 || !part.endsWith("s") || !words.contains(part.substring(0, part.length() - 1))) {
            return false;
        }
        if (before != null && COUNTS.contains(before)) {
            return false;
        }
        String word = part.substring(0, part.length() - 1);
        return !(word.equals("key") || word.equals("token")) || joinedTo != null;
    }

    /** Parts that make a following plural a count or a bound, not secrets: {@code max-tokens}, {@code numKeys}. */
    private static final List<String> COUNTS = List.of("max", "min", "num", "number", "count", "limit", "total");

    /** {@code value}, or {@link #MASK} when {@code name} looks secret. */
    public String show(String name, String value) {
        return value != null && isSecret(name) ? MASK : value;
    }
}
