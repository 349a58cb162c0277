package io.metricstream.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SeedsTest {
    private final String global = System.getProperty(Seeds.GLOBAL_PROPERTY);

    @AfterEach
    void restore() {
        System.clearProperty("SeedsTest.shouldPreferTheNamedSeedWhenBothAreGiven.seed");
        if (global == null) {
            System.clearProperty(Seeds.GLOBAL_PROPERTY);
        } else {
            System.setProperty(Seeds.GLOBAL_PROPERTY, global);
        }
    }

    @Test
    void shouldPreferTheNamedSeedWhenBothAreGiven() {
        System.setProperty(Seeds.GLOBAL_PROPERTY, "7");
        System.setProperty("SeedsTest.shouldPreferTheNamedSeedWhenBothAreGiven.seed", "-42");
        assertEquals(-42, Seeds.seed());
        assertEquals(7, Seeds.seed("other"));
        assertEquals(List.of("-DSeedsTest.shouldPreferTheNamedSeedWhenBothAreGiven.seed=-42",
            "-Dother.seed=7"), Seeds.drawn());
    }

    @Test
    void shouldDrawFreshSeedsWhenNoneIsGiven() {
        System.clearProperty(Seeds.GLOBAL_PROPERTY);
        assertNotEquals(Seeds.seed("fresh"), Seeds.seed("fresh"));
        assertEquals(2, Seeds.drawn().size(), "the extension cleared the previous test's seeds");
    }
}
