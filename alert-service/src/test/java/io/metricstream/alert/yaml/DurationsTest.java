package io.metricstream.alert.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class DurationsTest {
    private static void f(String text, long wantMs) {
        assertEquals(wantMs, Durations.parseMs(text), text);
    }

    @Test
    void shouldParsePrometheusDurationsWhenWellFormed() {
        f("0", 0);
        f("0s", 0);
        f("500ms", 500);
        f("5m", 300_000);
        f("1h30m", 5_400_000);
        f("1d", 86_400_000);
        f("1w", 7 * 86_400_000L);
        f("1m30s500ms", 90_500);
    }

    @Test
    void shouldRejectDurationsWhenMalformed() {
        f("5x", -1);
        f("", -1);
        f("m", -1);
        f("30s1m", -1);
        f("1.5h", -1);
        f("-5m", -1);
        f(null, -1);
    }

    @Test
    void shouldFormatDurationsWhenPrinting() {
        assertEquals("1h30m", Durations.format(5_400_000));
        assertEquals("0s", Durations.format(0));
        assertEquals("1s500ms", Durations.format(1_500));
    }
}
