package io.metricstream.storage.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SelectorParserTest {
    private static void ok(final String selector, final String expected) {
        final SelectorParser.Result r = SelectorParser.parse(selector);
        assertTrue(r.ok(), selector + ": " + r.error());
        assertEquals(expected, r.matchers().toString());
    }

    private static void bad(final String selector) {
        final SelectorParser.Result r = SelectorParser.parse(selector);
        assertFalse(r.ok(), selector);
        assertTrue(r.matchers().isEmpty());
    }

    @Test
    void shouldParseMatchersWhenSelectorIsValid() {
        ok("cpu", "[__name__=\"cpu\"]");
        ok("cpu{host=\"h1\"}", "[__name__=\"cpu\", host=\"h1\"]");
        ok("{ job =~ \"a|b\" , x!=\"q\\\"\", y!~\".*z\"}", "[job=~\"a|b\", x!=\"q\\\"\", y!~\".*z\"]");
        ok("cpu{}", "[__name__=\"cpu\"]");
    }

    @Test
    void shouldReturnErrorWhenSelectorIsInvalid() {
        bad("");
        bad("{}");
        bad("cpu{host=\"h1\"");
        bad("cpu{host=h1}");
        bad("cpu{host=~\"(\"}");
        bad("9cpu");
        bad("cpu{host==\"x\"} trailing");
    }
}
