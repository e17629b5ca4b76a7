package io.etcdmp.internal.config;

import io.etcdmp.support.Fuzz;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based tests (issue 21, "Fuzzed parsers") of documents (properties, YAML with anchors and aliases,
 * JSON; deep, wide, garbage): {@link ConfigDocument#parse} gives at most the allowed properties or a
 * {@link ConfigDocument.SyntaxError} with a reason, never another exception or an Error, quickly.
 */
@Tag("unit")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DocumentFuzzTest {
    private static final int MAX_PROPERTIES = 200;

    /** A YAML node in flow style, with anchors and aliases to earlier anchors (or to an enclosing one). */
    /** {@code state}: the anchors made so far, and the nodes still to make (the size of the document is bounded). */
    private static String yamlNode(Random r, int depth, int[] state) {
        int[] anchors = state;
        String anchor = r.nextInt(4) == 0 ? "&a" + (anchors[0]++) + " " : "";
        if (--state[1] < 0 || depth > 8) {
            return anchor + (r.nextBoolean() && anchors[0] > 1 ? "*a" + r.nextInt(anchors[0] - 1) : "x");
        }
        if (r.nextInt(40) == 0) { // a chain: deep, narrow, around the depth limit
            int levels = 40 + r.nextInt(40);
            return anchor + "[".repeat(levels) + (anchors[0] > 1 ? "*a0" : "y") + "]".repeat(levels);
        }
        int kind = r.nextInt(6);
        return switch (kind) {
            case 0 -> anchor + Fuzz.oneOf(r, "x", "'a,b'", "1", "~", "null", "yes", "\"q\\\\\"", "", "010");
            case 1 -> anchors[0] > 0 ? "*a" + r.nextInt(anchors[0]) : "v";
            case 2, 3 -> {
                StringBuilder map = new StringBuilder(anchor + "{");
                int n = r.nextInt(6);
                for (int i = 0; i < n; i++) {
                    map.append(i == 0 ? "" : ", ").append("k").append(r.nextInt(20)).append(": ").append(yamlNode(r, depth + 1, anchors));
                }
                yield map.append('}').toString();
            }
            default -> {
                StringBuilder list = new StringBuilder(anchor + "[");
                int n = r.nextInt(12);
                for (int i = 0; i < n; i++) {
                    list.append(i == 0 ? "" : ", ").append(yamlNode(r, depth + 1, anchors));
                }
                yield list.append(']').toString();
            }
        };
    }

    private static String yaml(Random r) {
        StringBuilder out = new StringBuilder();
        int[] state = {0, 400};
        int keys = 1 + r.nextInt(8);
        for (int i = 0; i < keys; i++) {
            out.append("t").append(i).append(": ").append(yamlNode(r, 1, state)).append('\n');
        }
        if (r.nextInt(5) == 0) {
            out.append(DocumentBoundsTest.aliasBomb().replace("a:", "z:").replace("&a ", "&za ").replace("*a", "*za"));
        }
        return out.toString();
    }

    private static String json(Random r, int depth) {
        if (depth == 1 && r.nextInt(20) == 0) { // a chain: deep, narrow, around the depth limit
            int levels = 40 + r.nextInt(40);
            return "[".repeat(levels) + "1" + "]".repeat(levels);
        }
        return switch (depth > 5 ? r.nextInt(3) : r.nextInt(6)) {
            case 0 -> "\"" + Fuzz.string(r, "ab,\\\\ ", r.nextInt(6)) + "\"";
            case 1 -> Fuzz.oneOf(r, "1", "-0.5e3", "true", "false", "null", "1e999");
            case 2 -> "[]";
            case 3, 4 -> {
                StringBuilder map = new StringBuilder("{");
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    map.append(i == 0 ? "" : ",").append("\"k").append(r.nextInt(9)).append("\":").append(json(r, depth + 1));
                }
                yield map.append('}').toString();
            }
            default -> "[" + json(r, depth + 1) + (r.nextBoolean() ? "," + json(r, depth + 1) : "") + "]";
        };
    }

    private static String properties(Random r) {
        StringBuilder out = new StringBuilder();
        int lines = r.nextInt(MAX_PROPERTIES * 2);
        for (int i = 0; i < lines; i++) {
            out.append(Fuzz.oneOf(r, "p" + i + "=v", "# c", "p" + i + ": \\u00e9", "\\", "p" + i + "=\\u12", " ", "=x")).append('\n');
        }
        return out.toString();
    }

    private static String[] document(Random r) {
        String[] doc = switch (r.nextInt(7)) {
            case 0, 1, 2 -> new String[] {"a.yaml", yaml(r)};
            case 3, 4 -> new String[] {"a.json", json(r, 0)};
            case 5 -> new String[] {"a.properties", properties(r)};
            default -> new String[] {Fuzz.oneOf(r, "a.yaml", "a.json", "a.properties"), Fuzz.anyText(r, r.nextInt(200))};
        };
        if (r.nextInt(3) == 0) {
            doc[1] = Fuzz.mutate(r, doc[1], "{}[],:&*!|>-'\"\\\n #%@`?");
        }
        return doc;
    }

    @Test
    void everyDocumentGivesAtMostTheAllowedPropertiesOrDoesNotParseWithAReason() {
        Fuzz.forAll("document", 21_201, 1_500, 2000, r -> String.join("\u0000", document(r)), input -> {
            String[] doc = input.split("\u0000", 2);
            try {
                Map<String, String> properties = ConfigDocument.parse(doc[0], doc[1], MAX_PROPERTIES);
                assertThat(properties.size()).isLessThanOrEqualTo(MAX_PROPERTIES);
                assertThat(properties).doesNotContainKey(null).doesNotContainValue(null);
            } catch (ConfigDocument.SyntaxError e) {
                assertThat(e.getMessage()).as("the reason").isNotBlank();
            }
        });
    }

    @Test
    void aDocumentLayerNeverThrowsAndKeepsTheLastGoodContent() {
        DocumentLayer layer = new DocumentLayer("/p/", java.util.List.of("a.yaml"), MAX_PROPERTIES);
        layer.accept("a.yaml", "good: 1\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), 1);
        layer.remerge();
        long[] revision = {2};
        Fuzz.forAll("layer", 21_202, 400, 2000, DocumentFuzzTest::yaml, text -> {
            boolean changed = layer.accept("a.yaml", text.getBytes(java.nio.charset.StandardCharsets.UTF_8), revision[0]++);
            if (!changed) {
                assertThat(layer.merged()).isNotNull();
            }
            layer.remerge();
            assertThat(layer.merged().size()).isLessThanOrEqualTo(MAX_PROPERTIES);
        });
    }
}
