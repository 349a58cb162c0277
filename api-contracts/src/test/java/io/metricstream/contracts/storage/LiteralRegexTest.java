package io.metricstream.contracts.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.metricstream.testsupport.Seeds;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LiteralRegexTest {
    // literal pieces of patterns: plain text, escapes, and characters that look like operators
    private static final String[] PIECES = {"h", "1", "a", "b", "_", "-", ":", "/", " ", "#", "\\.", "\\*", "\\\\",
        "\\|", "\\(", "\\+", "\\?", "\\[", "\\$", "ü", ".", "*", "+", "?", "(", "[", "{2}", "$", "^", "\\d", "a*"};
    private static final String[] WILDCARDS = {"", "", ".*", ".+"};
    // characters of values: the literals' characters, line breaks, a surrogate pair and lone surrogates
    private static final String[] VALUE_CHARS = {"h", "1", "a", "b", "_", ".", "*", "\\", "|", "\n", "\r", " ",
        "ü", "\uD83D\uDE00", "\uD83D", "\uDE00", ""};

    private static boolean byEngine(final String regex, final String value) {
        return Pattern.compile("^(?:" + regex + ")$", Pattern.DOTALL).matcher(value).matches();
    }

    private static String literal(final SplittableRandom r, final int maxPieces) {
        final StringBuilder out = new StringBuilder();
        final int n = r.nextInt(maxPieces + 1);
        for (int i = 0; i < n; i++) {
            // mostly plain pieces, so that most patterns have a fast shape
            out.append(PIECES[r.nextInt(r.nextInt(4) == 0 ? PIECES.length : 20)]);
        }
        return out.toString();
    }

    private static String pattern(final SplittableRandom r) {
        if (r.nextInt(3) == 0) {
            final StringBuilder out = new StringBuilder(literal(r, 3));
            for (int i = r.nextInt(4); i >= 0; i--) {
                out.append('|').append(literal(r, 3));
            }
            return out.toString();
        }
        return WILDCARDS[r.nextInt(WILDCARDS.length)] + literal(r, 4) + WILDCARDS[r.nextInt(WILDCARDS.length)];
    }

    /** A value near the pattern: its unescaped text with random edits, or random characters. */
    private static String value(final SplittableRandom r, final String regex) {
        final StringBuilder out = new StringBuilder();
        if (r.nextBoolean()) {
            final String[] parts = regex.split("\\|", -1);
            out.append(parts[r.nextInt(parts.length)].replace(".*", "").replace(".+", "").replace("\\", ""));
            for (int i = r.nextInt(3); i > 0; i--) {
                final String c = VALUE_CHARS[r.nextInt(VALUE_CHARS.length)];
                out.insert(r.nextBoolean() ? 0 : out.length(), c);
            }
        } else {
            for (int i = r.nextInt(6); i > 0; i--) {
                out.append(VALUE_CHARS[r.nextInt(VALUE_CHARS.length)]);
            }
        }
        return out.toString();
    }

    @Test
    void shouldMatchAsTheRegexEngineOnRandomPatternsAndValues() {
        final long seed = Seeds.seed();
        final SplittableRandom r = new SplittableRandom(seed);
        int fast = 0;
        for (int i = 0; i < 20_000; i++) {
            final String regex = pattern(r);
            final LiteralRegex literal = LiteralRegex.of(regex);
            if (literal == null) {
                continue;
            }
            fast++;
            final Set<String> literals = literal.literals();
            for (int j = 0; j < 20; j++) {
                final String value = value(r, regex);
                assertEquals(byEngine(regex, value), literal.matches(value),
                    () -> "seed " + seed + ": \"" + regex + "\" on \"" + value + '"');
                if (literals != null) {
                    // finitely many values: exactly these match
                    assertEquals(byEngine(regex, value), literals.contains(value),
                        () -> "seed " + seed + ": literals " + literals + " of \"" + regex + "\" on \"" + value + '"');
                }
            }
            for (final String value : literals == null ? Set.<String>of() : literals) {
                assertEquals(true, byEngine(regex, value),
                    () -> "seed " + seed + ": literal \"" + value + "\" of \"" + regex + '"');
            }
        }
        // the generator must exercise the fast path, not only the fallback
        final int fastPatterns = fast;
        assertEquals(true, fastPatterns > 5_000, () -> "seed " + seed + ": only " + fastPatterns + " fast patterns");
    }

    @Test
    void shouldTakeTheFastPathOnlyForPlainShapes() {
        for (final String regex : new String[] {"h1.*", "", ".*", ".+", "abc", "a|b|c", ".*err.*", ".+x", "10\\.0.*",
            "a|", "a\\\\.*"}) {
            assertNotNull(LiteralRegex.of(regex), regex);
        }
        for (final String regex : new String[] {"a.*b", "a*", "(a)", "[ab]", "a\\d", "a\\.*", ".*?", "a.+?", "ü",
            "a{2}", "^a", "a$", "\\", "a|b.*", ".**", ".+.+"}) {
            assertNull(LiteralRegex.of(regex), regex);
        }
    }

    @Test
    void shouldListTheValuesWhenTheyAreFinitelyMany() {
        literals("a|b|c", Set.of("a", "b", "c"));
        literals("abc", Set.of("abc"));
        literals("", Set.of(""));
        literals("a|", Set.of("a", ""));
        literals("a|a|b", Set.of("a", "b"));
        literals("10\\.0|x\\|y", Set.of("10.0", "x|y"));
        literals("h1.*", null);
        literals(".*", null);
        literals(".+x", null);
        literals(".*err.*", null);
    }

    private static void literals(final String regex, final Set<String> want) {
        assertEquals(want, LiteralRegex.of(regex).literals(), regex);
    }

    @Test
    void shouldKeepPrometheusEmptyValueRules() {
        assertEquals(true, LabelMatcher.of(LabelMatcher.Type.RE, "l", "").matches(null));
        assertEquals(false, LabelMatcher.of(LabelMatcher.Type.RE, "l", "").matches("a"));
        assertEquals(false, LabelMatcher.of(LabelMatcher.Type.NRE, "l", "").matches(null));
        assertEquals(true, LabelMatcher.of(LabelMatcher.Type.NRE, "l", "").matches("a"));
        assertEquals(false, LabelMatcher.of(LabelMatcher.Type.RE, "l", ".+").matches(""));
        assertEquals(true, LabelMatcher.of(LabelMatcher.Type.RE, "l", "x.*").matches("x\ny"));
    }
}
