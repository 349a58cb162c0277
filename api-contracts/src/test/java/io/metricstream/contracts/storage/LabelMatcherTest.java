package io.metricstream.contracts.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.contracts.storage.LabelMatcher.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LabelMatcherTest {

    private static void f(final Type type, final String pattern, final String value, final boolean expected) {
        assertEquals(expected, LabelMatcher.of(type, "l", pattern).matches(value),
            () -> "l" + type.symbol() + "\"" + pattern + "\" on " + value);
    }

    @Test
    void shouldFollowPrometheusSemanticsWhenMatching() {
        f(Type.EQ, "a", "a", true);
        f(Type.EQ, "a", "ab", false);
        f(Type.EQ, "", null, true);
        f(Type.NEQ, "a", null, true);
        f(Type.NEQ, "", null, false);
        f(Type.RE, "a.*", "abc", true);
        f(Type.RE, "b", "abc", false);
        f(Type.RE, ".*", null, true);
        f(Type.RE, ".+", null, false);
        f(Type.RE, "h1.*", "h10", true);
        f(Type.RE, "a|b", "b", true);
        f(Type.NRE, "a.*", "abc", false);
        f(Type.NRE, "a.*", null, true);
        f(Type.RE, "x", "a\nx", false);
    }
}
