package io.metricstream.ingestion.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.testsupport.Seeds;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NumberParserTest {
    private static final BigInteger UNSIGNED_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private final NumberParser parser = new NumberParser();

    /** Parses {@code text} both ways and checks they agree (value, or both refuse). */
    private void signed(String text) {
        final byte[] b = ("x" + text + "y").getBytes(StandardCharsets.US_ASCII);
        Long want;
        try {
            want = Long.parseLong(text);
        } catch (NumberFormatException e) {
            want = null;
        }
        final boolean ok = parser.parseLong(b, 1, b.length - 2);
        assertEquals(want != null, ok, text);
        if (ok) {
            assertEquals(want.longValue(), parser.longValue(), text);
        }
    }

    private void unsigned(String text) {
        final byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        final boolean digits = !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9');
        final boolean fits = digits && new BigInteger(text).compareTo(UNSIGNED_MAX) <= 0;
        assertEquals(fits, parser.parseUnsigned(b, 0, b.length), text);
        if (fits) {
            assertEquals(Long.parseUnsignedLong(text), parser.longValue(), text);
        }
    }

    @Test
    void shouldAgreeWithLongParseLongWhenNumbersAreAtTheEdges() {
        for (String t : new String[] {"0", "-0", "+0", "9223372036854775807", "9223372036854775808",
            "-9223372036854775808", "-9223372036854775809", "92233720368547758070", "922337203685477580",
            "1700000000000000000", "99999999999999999999", "", "-", "+", "1-2", "12a", " 1"}) {
            signed(t);
        }
        for (String t : new String[] {"0", "18446744073709551615", "18446744073709551616", "18446744073709551619",
            "18446744073709551620", "1844674407370955161", "99999999999999999999", "", "-1", "1a"}) {
            unsigned(t);
        }
    }

    @Test
    void shouldAgreeWithLongParseLongWhenNumbersAreRandom() {
        final long seed = Seeds.seed();
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 20_000; i++) {
            final long v = switch (random.nextInt(3)) {
                case 0 -> random.nextLong();
                case 1 -> random.nextLong(-1_000_000, 1_000_000);
                default -> random.nextBoolean() ? Long.MAX_VALUE - random.nextInt(20) : Long.MIN_VALUE
                    + random.nextInt(20);
            };
            signed(Long.toString(v));
            // one more digit: overflows unless the value is small
            signed(Long.toString(v) + random.nextInt(10));
            unsigned(Long.toUnsignedString(v));
            unsigned(Long.toUnsignedString(v) + random.nextInt(10));
        }
        assertTrue(parser.parseLong("17".getBytes(StandardCharsets.US_ASCII), 0, 2));
        assertFalse(parser.parseLong("1.7".getBytes(StandardCharsets.US_ASCII), 0, 3));
    }

    @Test
    void shouldAgreeWithLongParseLongWhenDigitStringsHoldAnyByte() {
        final long seed = Seeds.seed();
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 200_000; i++) {
            // 1..20 digits (the eight-at-a-time path and both sides of its 18-digit bound), a sign now and then,
            // and now and then one byte of any value anywhere (the bytes next to '0' and '9' included)
            final int n = 1 + random.nextInt(20);
            final byte[] b = new byte[n + 10];
            final int at = 1 + random.nextInt(8);
            for (int k = 0; k < b.length; k++) {
                b[k] = (byte) ('0' + random.nextInt(10));
            }
            if (random.nextInt(4) == 0) {
                b[at] = (byte) (random.nextBoolean() ? '-' : '+');
            }
            if (random.nextInt(3) == 0) {
                b[at + random.nextInt(n)] = (byte) random.nextInt(256);
            }
            final String text = new String(b, at, n, StandardCharsets.ISO_8859_1);
            Long want;
            try {
                want = Long.parseLong(text);
            } catch (NumberFormatException e) {
                want = null;
            }
            final boolean ok = parser.parseLong(b, at, n);
            assertEquals(want != null, ok, text);
            if (ok) {
                assertEquals(want.longValue(), parser.longValue(), text);
            }
        }
    }
}
