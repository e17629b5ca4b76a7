package io.etcdmp.support;

import java.util.Random;
import java.util.function.Function;

/**
 * Property-based checks over generated inputs, in plain JUnit 5: each property runs a fixed number of tries
 * from a fixed seed (the same inputs on every run, so a failure is reproducible), and a failure names the
 * seed and try and shows the input, so that it can be kept as an example test. Each try is bounded in time.
 */
public final class Fuzz {
    /** What one try checks; may throw anything, which fails the property. */
    @FunctionalInterface
    public interface Check<T> {
        void accept(T input) throws Throwable;
    }

    private Fuzz() {
    }

    /**
     * Runs {@code check} on {@code tries} inputs made by {@code generator} from {@code new Random(seed + try)};
     * fails on the first input whose check throws or takes longer than {@code maxMillisPerTry}.
     */
    public static <T> void forAll(String property, long seed, int tries, long maxMillisPerTry,
                                  Function<Random, T> generator, Check<T> check) {
        for (int i = 0; i < tries; i++) {
            T input = generator.apply(new Random(seed + i));
            long start = System.nanoTime();
            try {
                check.accept(input);
            } catch (Throwable e) {
                throw new AssertionError(property + " fails at seed " + seed + " + try " + i + " for input "
                        + show(input) + ": " + e, e);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (millis > maxMillisPerTry) {
                throw new AssertionError(property + " took " + millis + " ms (bound " + maxMillisPerTry + " ms) at seed "
                        + seed + " + try " + i + " for input " + show(input));
            }
        }
    }

    /** An input for a message: quoted, control characters escaped, long ones cut in the middle. */
    public static String show(Object input) {
        String text = input instanceof byte[] bytes ? "bytes[" + bytes.length + "]" : String.valueOf(input);
        StringBuilder out = new StringBuilder("\"");
        String cut = text.length() > 300 ? text.substring(0, 150) + "<...>" + text.substring(text.length() - 150) : text;
        for (char c : cut.toCharArray()) {
            out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.append('"').toString();
    }

    /** One of {@code options}. */
    @SafeVarargs
    public static <T> T oneOf(Random random, T... options) {
        return options[random.nextInt(options.length)];
    }

    /** {@code length} characters drawn from {@code alphabet}. */
    public static String string(Random random, String alphabet, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    /** Any characters: ASCII, control, Latin-1, CJK, lone surrogates. */
    public static String anyText(Random random, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(5)) {
                case 0 -> out.append((char) random.nextInt(0x20));
                case 1 -> out.append((char) (0x80 + random.nextInt(0x80)));
                case 2 -> out.append((char) (0x4e00 + random.nextInt(0x100)));
                case 3 -> out.append((char) (0xd800 + random.nextInt(0x800)));
                default -> out.append((char) (0x20 + random.nextInt(0x5f)));
            }
        }
        return out.toString();
    }

    /** {@code text} with a few random edits: characters deleted, inserted from {@code alphabet}, replaced, or a cut. */
    public static String mutate(Random random, String text, String alphabet) {
        StringBuilder out = new StringBuilder(text);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && out.length() > 0; e++) {
            int at = random.nextInt(out.length());
            switch (random.nextInt(4)) {
                case 0 -> out.deleteCharAt(at);
                case 1 -> out.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                case 2 -> out.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                default -> out.setLength(at);
            }
        }
        return out.toString();
    }
}
