package io.metricstream.query.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.testsupport.Seeds;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The byte-level formatting equals two references: Go's {@code FormatFloat(v, 'f', -1, 64)} rule computed with
 * BigDecimal (the fewest significant digits that parse back to {@code v}, the closest of those, ties to even), and
 * {@link Double#toString}'s digits wherever Java's two-digit minimum does not apply.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PromFloatsTest {
    private static final BigDecimal TWO = BigDecimal.valueOf(2);
    private static final long[] POWERS_OF_TEN = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
        100_000_000L, 1_000_000_000L, 10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L,
        100_000_000_000_000L, 1_000_000_000_000_000L, 10_000_000_000_000_000L, 100_000_000_000_000_000L,
        1_000_000_000_000_000_000L};

    /** Go's rule, by brute force over the number of significant digits. */
    private static String goReference(final double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        final String sign = Double.doubleToRawLongBits(v) < 0 ? "-" : "";
        if (v == 0) {
            return sign + "0";
        }
        final double a = Math.abs(v);
        final BigDecimal exact = new BigDecimal(a);
        final BigDecimal lo = exact.add(new BigDecimal(Math.nextDown(a))).divide(TWO);
        final BigDecimal hi = exact.add(a == Double.MAX_VALUE ? exact.add(new BigDecimal(Math.ulp(a)))
            : new BigDecimal(Math.nextUp(a))).divide(TWO);
        final boolean inclusive = (Double.doubleToRawLongBits(a) & 1) == 0;
        for (int n = 1; n <= 17; n++) {
            final BigDecimal down = exact.round(new MathContext(n, RoundingMode.FLOOR));
            final BigDecimal up = exact.round(new MathContext(n, RoundingMode.CEILING));
            final boolean downIn = inside(down, lo, hi, inclusive);
            final boolean upIn = inside(up, lo, hi, inclusive);
            BigDecimal pick = null;
            if (downIn && upIn) {
                final int c = exact.subtract(down).compareTo(up.subtract(exact));
                pick = c < 0 || c == 0 && !lastDigitOdd(down, n) ? down : up;
            } else if (downIn) {
                pick = down;
            } else if (upIn) {
                pick = up;
            }
            if (pick != null) {
                return sign + pick.stripTrailingZeros().toPlainString();
            }
        }
        throw new AssertionError("no round-trip decimal for " + v);
    }

    private static boolean inside(final BigDecimal x, final BigDecimal lo, final BigDecimal hi, final boolean incl) {
        final int l = x.compareTo(lo);
        final int h = x.compareTo(hi);
        return incl ? l >= 0 && h <= 0 : l > 0 && h < 0;
    }

    private static boolean lastDigitOdd(final BigDecimal x, final int n) {
        BigInteger u = x.unscaledValue();
        if (x.precision() < n) {
            u = u.multiply(BigInteger.TEN.pow(n - x.precision()));
        }
        return u.testBit(0);
    }

    private static void f(final double v) {
        final String got = PromFloats.format(v);
        final String bits = "bits " + Long.toHexString(Double.doubleToRawLongBits(v));
        assertEquals(goReference(v), got, bits);
        if (!Double.isNaN(v) && !Double.isInfinite(v) && v != 0
            && new BigDecimal(got).stripTrailingZeros().precision() >= 2) {
            assertEquals(new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString(), got, bits);
        }
    }

    @Test
    void shouldWritePlainDecimalsWhenJavaWouldUseAnExponent() {
        assertEquals("0.000001", PromFloats.format(1e-6));
        assertEquals("-0.00012345", PromFloats.format(-1.2345e-4));
        assertEquals("12345678.9", PromFloats.format(12345678.9));
        assertEquals("100000000000000000000", PromFloats.format(1e20));
        assertEquals("-1234500000000000000000", PromFloats.format(-1.2345e21));
        assertEquals("1000000000000000.5", PromFloats.format(1e15 + 0.5));
        assertEquals("0.001", PromFloats.format(0.001));
        assertEquals("1152921504606847000", PromFloats.format(0x1p60));
        assertEquals("0.1", PromFloats.format(0.1));
        assertEquals("96399.97124999999", PromFloats.format(96399.97124999999));
        f(-Double.MAX_VALUE);
        f(Double.MIN_NORMAL);
    }

    @Test
    void shouldWriteSpecialsAndSignedZeroLikeGo() {
        assertEquals("NaN", PromFloats.format(Double.NaN));
        assertEquals("+Inf", PromFloats.format(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", PromFloats.format(Double.NEGATIVE_INFINITY));
        assertEquals("0", PromFloats.format(0.0));
        assertEquals("-0", PromFloats.format(-0.0));
        assertEquals("-3", PromFloats.format(-3.0));
        assertEquals("9007199254740991", PromFloats.format(0x1p53 - 1));
    }

    @Test
    void shouldWriteOneDigitWhenOneDigitRoundTripsLikeGo() {
        // Java prints 4.9E-324 (two digits at least); Go prints 5e-324
        assertEquals("0." + "0".repeat(323) + "5", PromFloats.format(Double.MIN_VALUE));
        assertEquals("-0." + "0".repeat(322) + "1", PromFloats.format(-2 * Double.MIN_VALUE));
        for (long c = 1; c < 2_000; c++) {
            f(Double.longBitsToDouble(c));
        }
    }

    @Test
    void shouldEqualTheReferencesWhenPowersOfTwoAndTen() {
        for (int e = -1074; e <= 1023; e++) {
            final double p = Math.scalb(1.0, e);
            f(p);
            f(Math.nextUp(p));
            f(Math.nextDown(p));
        }
        for (int e = -323; e <= 308; e++) {
            final double p = Double.parseDouble("1e" + e);
            f(p);
            f(Math.nextUp(p));
            f(Math.nextDown(p));
        }
    }

    @Test
    void shouldEqualTheReferencesWhenRandomDoubles() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < 120_000; i++) {
            final double v = switch (i % 6) {
                case 0 -> Double.longBitsToDouble(rnd.nextLong());
                case 1 -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(-12, 25));
                case 2 -> -Math.round(rnd.nextDouble() * 1e6) / 1000.0;
                case 3 -> Double.longBitsToDouble(rnd.nextLong(1L << 52)); // subnormal
                case 4 -> rnd.nextLong(1L << 60) / (double) rnd.nextLong(1, 1_000_000);
                default -> rnd.nextInt(-5000, 5000) / 7.0;
            };
            f(v);
        }
    }

    /** {@link PromFloats#put} against its general path alone (Schubfach for every non-integer), byte for byte. */
    private static void same(final double v, final long seed) {
        final byte[] fast = new byte[PromFloats.MAX_BYTES];
        final byte[] general = new byte[PromFloats.MAX_BYTES];
        final int end = PromFloats.put(fast, 3, v);
        final int generalEnd = PromFloats.putShortest(general, 3, v);
        assertEquals(new String(general, 3, generalEnd - 3, StandardCharsets.US_ASCII),
            new String(fast, 3, end - 3, StandardCharsets.US_ASCII),
            "bits " + Long.toHexString(Double.doubleToRawLongBits(v)) + " seed " + seed);
    }

    @Test
    void shouldEqualTheGeneralPathWhenShortDecimalsAndTheirNeighbours() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < 400_000; i++) {
            // decimals of up to 8 places (the fast path takes up to 6) and up to 17 digits (it takes below 10^15)
            final long unscaled = rnd.nextLong(-100_000_000_000_000_000L, 100_000_000_000_000_000L)
                >> rnd.nextInt(0, 60);
            final double decimal = unscaled / Math.pow(10, rnd.nextInt(0, 9));
            final double v = switch (i % 8) {
                case 0 -> decimal;
                case 1 -> Math.nextUp(decimal);
                case 2 -> Math.nextDown(decimal);
                case 3 -> rnd.nextInt(0, 10_000) / 100.0; // a percentage of hundredths
                case 4 -> Double.longBitsToDouble(rnd.nextLong());
                case 5 -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(-30, 30));
                case 6 -> (double) rnd.nextLong(); // integers, above 2^53 too
                default -> meanOfHundredths(rnd);
            };
            same(v, seed);
            if (i % 50 == 0) {
                f(v);
            }
        }
        for (final double v : new double[] {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE, 1e15 - 0.5, 1e15 + 0.5,
            99_999_999.999_999_9, 0.000_001, 0.000_000_1, 1e-7, 123_456_789.012_345, 0.3, 2.675, 1.005}) {
            same(v, seed);
            same(-v, seed);
            f(v);
        }
    }

    @Test
    void shouldWriteLongsLikeLongToString() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final byte[] b = new byte[40];
        for (int i = 0; i < 200_000; i++) {
            // every digit count, the 8-digit boundaries and their neighbours
            final long v = switch (i % 3) {
                case 0 -> rnd.nextLong(Long.MAX_VALUE) >>> rnd.nextInt(63);
                case 1 -> Math.max(0, POWERS_OF_TEN[rnd.nextInt(POWERS_OF_TEN.length)] + rnd.nextInt(-2, 3));
                default -> 1_704_067_200L + rnd.nextInt(100_000_000);
            };
            final int at = rnd.nextInt(8);
            final int end = PromFloats.putLong(b, at, v);
            assertEquals(Long.toString(v), new String(b, at, end - at, StandardCharsets.US_ASCII), "seed " + seed);
        }
        assertEquals("9223372036854775807", longText(Long.MAX_VALUE));
        assertEquals("0", longText(0));
    }

    private static String longText(final long v) {
        final byte[] b = new byte[20];
        return new String(b, 0, PromFloats.putLong(b, 0, v), StandardCharsets.US_ASCII);
    }

    /** avg_over_time's incremental mean of 40 gauge values in hundredths (Q2's answers: a third have <= 5 decimals). */
    private static double meanOfHundredths(final SplittableRandom rnd) {
        double mean = 0;
        for (int k = 1; k <= 40; k++) {
            final double v = rnd.nextInt(0, 10_000) / 100.0;
            mean += v / k - mean / k;
        }
        return mean;
    }
}
