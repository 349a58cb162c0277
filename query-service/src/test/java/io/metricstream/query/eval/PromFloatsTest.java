package io.metricstream.query.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The exponent-free formatting equals BigDecimal's plain rendering of the shortest round-trip digits. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PromFloatsTest {
    /** The reference: what FormatFloat(v, 'f', -1, 64) prints for finite non-integers. */
    private static String reference(final double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return v == 0 && Double.doubleToRawLongBits(v) != 0 ? "-0" : Long.toString((long) v);
        }
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }

    private static void f(final double v) {
        assertEquals(reference(v), PromFloats.format(v), "bits " + Long.toHexString(Double.doubleToRawLongBits(v)));
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
        f(Double.MIN_VALUE);
        f(-Double.MAX_VALUE);
    }

    @Test
    void shouldEqualTheReferenceWhenRandomDoubles() {
        final long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("PromFloatsTest seed=" + seed + " (replay with -Dseed=" + seed + ")");
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < 200_000; i++) {
            final double v = switch (i % 4) {
                case 0 -> Double.longBitsToDouble(rnd.nextLong());
                case 1 -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(-12, 25));
                case 2 -> -Math.round(rnd.nextDouble() * 1e6) / 1000.0;
                default -> rnd.nextInt(-5000, 5000) / 7.0;
            };
            if (!Double.isNaN(v) && !Double.isInfinite(v)) {
                f(v);
            }
        }
    }
}
