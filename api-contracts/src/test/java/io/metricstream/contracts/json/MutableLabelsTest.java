package io.metricstream.contracts.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.metricstream.contracts.model.LabelSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MutableLabelsTest {
    private static MutableLabels of(final String... namesAndValues) {
        final MutableLabels labels = new MutableLabels();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            labels.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return labels;
    }

    @Test
    void shouldSortByNameAndDropEmptyValuesWhenCompacted() {
        final MutableLabels labels = of("c", "3", "a", "1", "e", "", "b", "2", "_x", "0");
        assertNull(labels.sortAndCompact());
        assertEquals("{_x=\"0\", a=\"1\", b=\"2\", c=\"3\"}", labels.toString());
        assertEquals(4, labels.size());
        assertEquals("b", labels.name(2));
        assertEquals("2", labels.get("b"));
        assertNull(labels.get("e"));
        assertThrows(IndexOutOfBoundsException.class, () -> labels.name(4));
    }

    @Test
    void shouldReturnDuplicateNameWhenNameRepeats() {
        assertEquals("b", of("b", "1", "a", "1", "b", "2").sortAndCompact());
        assertEquals("b", of("b", "", "b", "").sortAndCompact());
    }

    @Test
    void shouldGrowAndClearWhenReused() {
        final MutableLabels labels = new MutableLabels();
        for (int i = 99; i >= 0; i--) {
            labels.add("l" + (char) ('a' + i / 26) + (char) ('a' + i % 26), "v" + i);
        }
        assertNull(labels.sortAndCompact());
        assertEquals(100, labels.size());
        assertEquals("laa", labels.name(0));
        labels.clear();
        assertEquals(0, labels.size());
        assertEquals("{}", labels.toString());
    }

    @Test
    void shouldBuildLabelSetWithMetricNameWhenAsked() {
        final MutableLabels labels = of("job", "api", "env", "prod");
        labels.sortAndCompact();
        assertEquals(LabelSet.of("__name__", "up", "env", "prod", "job", "api"), labels.toLabelSet("up"));
        assertEquals(LabelSet.of("__name__", "up"), new MutableLabels().toLabelSet(new StringBuilder("up")));
    }
}
