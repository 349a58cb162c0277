package io.metricstream.ingestion.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.testsupport.Seeds;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link NumberParser#parseSimple} and {@link NumberParser#parseDigits} against the JDK: when they take a value it
 * must be bit for bit what {@link Double#parseDouble} ({@code (double) Long.parseLong} for {@code 12i}) or
 * {@link Long#parseLong} gives; the values they must take (short decimals, integers) are checked to be taken.
 */
class NumberParserFastPathTest {
    private final NumberParser parser = new NumberParser();

    /**
     * Runs parseSimple over {@code text} followed by a delimiter; returns whether it took the value, after checking
     * that a taken value ends at the delimiter and equals the JDK's.
     */
    private boolean simple(final String text) {
        final byte[] b = ("=" + text + " ").getBytes(StandardCharsets.ISO_8859_1);
        final int stop = parser.parseSimple(b, 1, b.length);
        if (stop < 0 || stop != b.length - 1) {
            return false;
        }
        final double want = text.endsWith("i")
            ? (double) Long.parseLong(text.substring(0, text.length() - 1))
            : Double.parseDouble(text);
        assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(parser.doubleValue()), text);
        return true;
    }

    /** Whether {@code text} is {@code [-]digits[.digits]} with 1..15 digits, which the fast path must take. */
    private static boolean mustTake(final String text) {
        final String unsigned = text.startsWith("-") ? text.substring(1) : text;
        if (!unsigned.matches("[0-9]*\\.?[0-9]*")) {
            return false;
        }
        final int digits = unsigned.replace(".", "").length();
        return digits >= 1 && digits <= 15;
    }

    @Test
    void shouldEqualParseDoubleWhenValuesAreAtTheBoundaries() {
        for (String t : new String[] {"0", "-0", "0.0", "-0.0", "-0.00", ".5", "-.5", "5.", "9007199254740991",
            "9007199254740992", "9007199254740993", "-9007199254740993", "900719925474099.3", "90071992547409.93",
            "0.9007199254740993", "1e22", "1e23", "10000000000000000000000", "100000000000000000000000",
            "4.9e-324", "2.2250738585072014E-308", "1.7976931348623157E308", "0.000000000000000001",
            "0.0000000000000000001", "123456789012345", "1234567890123456", "12345678901234567",
            "123456789012345678", "1234567890123456789", "1.23456789012345", "1.234567890123456",
            "1.2345678901234567", "12.95", "99.99", "-64.62", "0.01", "2226602i", "-0i", "-12i",
            "999999999999999999i", "9999999999999999999i", "12u", "1.5i", "t", "true", "-", ".", "", "+1", "1e5",
            "NaN", "Infinity", "0x10"}) {
            final boolean took = simple(t);
            if (mustTake(t)) {
                assertTrue(took, t);
            }
        }
        assertTrue(simple("-0"));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(parser.doubleValue()));
        assertTrue(simple("-0i"));
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(parser.doubleValue()));
    }

    @Test
    void shouldEqualParseDoubleWhenValuesAreShortestTextsOfRandomDoubles() {
        final long seed = Seeds.seed();
        final SplittableRandom random = new SplittableRandom(seed);
        int taken = 0;
        for (int i = 0; i < 200_000; i++) {
            final double d = switch (random.nextInt(4)) {
                case 0 -> Double.longBitsToDouble(random.nextLong());
                case 1 -> random.nextInt(-1_000_000, 1_000_000) / 100.0;
                case 2 -> random.nextDouble() * Math.pow(10, random.nextInt(-10, 16));
                default -> Double.longBitsToDouble(random.nextLong(1, 1L << 52)); // subnormal
            };
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                continue;
            }
            // Double.toString's shortest text, and the plain-decimal form the gauges are written in
            final String shortest = Double.toString(d);
            simple(shortest);
            final String plain = new java.math.BigDecimal(shortest).toPlainString();
            if (plain.length() < 40 && simple(plain)) {
                taken++;
            }
            if (mustTake(plain)) {
                assertTrue(simple(plain), () -> plain + " seed=" + seed);
            }
        }
        assertTrue(taken > 10_000, "seed=" + seed + " taken=" + taken);
    }

    @Test
    void shouldEqualParseDoubleWhenDigitStringsAreRandom() {
        final long seed = Seeds.seed();
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 300_000; i++) {
            // 1..24 digits: both sides of the 15-digit, 2^53 and 18-digit bounds; sign, dot, exponent, suffix at
            // random places
            final int n = 1 + random.nextInt(24);
            final StringBuilder t = new StringBuilder();
            if (random.nextInt(3) == 0) {
                t.append('-');
            }
            final int dot = random.nextInt(3) == 0 ? -1 : random.nextInt(n + 1);
            for (int k = 0; k < n; k++) {
                if (k == dot) {
                    t.append('.');
                }
                t.append((char) ('0' + (random.nextInt(4) == 0 ? 0 : random.nextInt(10))));
            }
            if (dot == n) {
                t.append('.');
            }
            switch (random.nextInt(8)) {
                case 0 -> t.append('e').append(random.nextInt(-30, 30));
                case 1 -> t.append('i');
                case 2 -> t.append('u');
                default -> { }
            }
            final String text = t.toString();
            final boolean took = simple(text);
            if (mustTake(text)) {
                assertTrue(took, () -> text + " seed=" + seed);
            }
        }
    }

    @Test
    void shouldEqualParseLongWhenTimestampsHaveOneToTwentyDigits() {
        final long seed = Seeds.seed();
        final SplittableRandom random = new SplittableRandom(seed);
        for (String t : new String[] {"0", "1704067200000", "1704067200000000000", "9223372036854775807",
            "9223372036854775808", "9999999999999999999", "10000000000000000000", "999999999999999999",
            "00000000000000000001", "0000000000000000001"}) {
            digits(t);
        }
        for (int i = 0; i < 200_000; i++) {
            final int n = 1 + random.nextInt(20);
            final StringBuilder t = new StringBuilder();
            for (int k = 0; k < n; k++) {
                t.append((char) ('0' + random.nextInt(10)));
            }
            if (random.nextInt(4) == 0) {
                t.setCharAt(random.nextInt(n), (char) random.nextInt(128));
            }
            digits(t.toString());
        }
    }

    /** parseDigits over {@code text} then a space: takes 1..19 digits exactly when Long.parseLong does. */
    private void digits(final String text) {
        final byte[] b = ("x" + text + " ").getBytes(StandardCharsets.ISO_8859_1);
        final int stop = parser.parseDigits(b, 1, b.length);
        Long want;
        try {
            want = text.matches("[0-9]+") ? Long.parseLong(text) : null;
        } catch (NumberFormatException e) {
            want = null;
        }
        final boolean took = stop == b.length - 1;
        // more than 19 digits (leading zeros) are left to parseLong, never wrong
        assertEquals(want != null && text.length() <= 19, took, text);
        if (took) {
            assertEquals(want.longValue(), parser.longValue(), text);
        }
    }
}
