package io.etcdmp.internal.config;

import io.etcdmp.internal.config.LookupCache;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The lock-free table of looked-up values: lookups by equal (not only identical) names, replacement, removal, its bound. */
@Tag("unit")
class LookupCacheTest {
    private final LookupCache forms = new LookupCache();

    @Test
    void findsFormsByEqualNamesAndReplacesThem() {
        forms.put("db.url", "a");
        assertThat(forms.get(new String("db.url".toCharArray()))).isEqualTo("a");
        assertThat(forms.get("db.user")).isNull();
        forms.put("db.url", "b");
        assertThat(forms.get("db.url")).isEqualTo("b");
        assertThat(forms.size()).isEqualTo(1);
    }

    @Test
    void keepsEveryNameThroughGrowthAndCollisions() {
        // "Aa" and "BB" share a hash code: they land on the same slot and must both be found
        forms.put("Aa", "1");
        forms.put("BB", "2");
        for (int i = 0; i < 1000; i++) {
            forms.put("p" + i, i);
        }
        assertThat(forms.get("Aa")).isEqualTo("1");
        assertThat(forms.get("BB")).isEqualTo("2");
        for (int i = 0; i < 1000; i++) {
            assertThat(forms.get("p" + i)).isEqualTo(i);
        }
        assertThat(forms.size()).isEqualTo(1002);
    }

    @Test
    void removesOnlyTheNamedForms() {
        forms.put("Aa", "1");
        forms.put("BB", "2");
        forms.put("c", "3");
        forms.removeAll(Set.of("Aa", "absent"));
        assertThat(forms.get("Aa")).isNull();
        assertThat(forms.get("BB")).isEqualTo("2");
        assertThat(forms.get("c")).isEqualTo("3");
        assertThat(forms.size()).isEqualTo(2);
        forms.clear();
        assertThat(forms.get("c")).isNull();
    }

    @Test
    void stopsKeepingNewNamesAtItsCapacityButStillReplacesKeptOnes() {
        for (int i = 0; i < LookupCache.CAPACITY; i++) {
            forms.put("p" + i, i);
        }
        assertThat(forms.put("one.more", "x")).isEqualTo("x");
        assertThat(forms.get("one.more")).isNull();
        forms.put("p7", "seven");
        assertThat(forms.get("p7")).isEqualTo("seven");
        assertThat(forms.size()).isEqualTo(LookupCache.CAPACITY);
        forms.removeAll(List.of("p0"));
        forms.put("one.more", "x");
        assertThat(forms.get("one.more")).isEqualTo("x");
    }
}
