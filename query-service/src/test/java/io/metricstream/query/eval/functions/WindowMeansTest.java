package io.metricstream.query.eval.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.metricstream.contracts.storage.WindowFunction;
import io.metricstream.testsupport.Seeds;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link WindowMeans} against the plain incremental mean, window by window, bit for bit. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WindowMeansTest {
    @Test
    void shouldDivideLikeDivisionWhenQuotientTakesCountsAndValuesInRange() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final double[] edges = {0.0, -0.0, WindowMeans.MIN_ABS, -WindowMeans.MIN_ABS, WindowMeans.MAX_ABS,
            -WindowMeans.MAX_ABS, 1, 0.1, 1.0 / 3, Math.nextDown(2.0), Math.nextUp(1.0), 96399.97124999999};
        for (int b = 1; b <= 1_100; b++) {
            final double count = b;
            final double inverse = 1 / count;
            for (final double a : edges) {
                quotientCase(a, count, inverse, seed);
            }
            for (int i = 0; i < 20_000; i++) {
                // every exponent in range, every mantissa pattern (all-ones and all-zeros tails included)
                final long mantissa = switch (rnd.nextInt(4)) {
                    case 0 -> (1L << 52) - 1 - rnd.nextInt(64);
                    case 1 -> rnd.nextInt(64);
                    default -> rnd.nextLong() & (1L << 52) - 1;
                };
                final double a = Math.scalb(Double.longBitsToDouble(0x3ff0000000000000L | mantissa),
                    rnd.nextInt(-600, 997)) * (rnd.nextBoolean() ? 1 : -1);
                if (WindowMeans.inRange(a)) {
                    quotientCase(a, count, inverse, seed);
                }
                // multiples of the count: exact quotients
                quotientCase(count * Math.round(rnd.nextDouble() * 1e6) / 100, count, inverse, seed);
            }
        }
    }

    private static void quotientCase(final double a, final double count, final double inverse, final long seed) {
        final double want = a / count;
        final double got = WindowMeans.quotient(a, count, inverse);
        // -0 / count is -0, the quotient's is +0 (see WindowMeans.averages why no mean sees the difference)
        // the message is built only on a mismatch: 44 million cases
        if (!(want == 0 && got == 0) && Double.doubleToRawLongBits(want) != Double.doubleToRawLongBits(got)) {
            fail("seed=" + seed + " " + a + " / " + count + ": want " + want + ", got " + got);
        }
    }

    @Test
    void shouldEqualWindowFunctionAvgBitForBitForAnyWindowLayout() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final WindowMeans means = WindowMeans.get();
        for (int round = 0; round < 300; round++) {
            final int n = 1 + rnd.nextInt(20_000);
            final double[] values = new double[n];
            final double scale = switch (rnd.nextInt(5)) {
                case 0 -> 100;
                case 1 -> 1e12;
                case 2 -> 0x1p-590;
                default -> 1e300;
            };
            for (int i = 0; i < n; i++) {
                values[i] = switch (rnd.nextInt(16)) {
                    case 0, 1 -> Math.round(rnd.nextDouble() * 1e4) / 100.0;
                    // zeros, -0 and the smallest magnitude blocks take, which running means approach
                    case 2 -> rnd.nextBoolean() ? 0.0 : -0.0;
                    case 3 -> rnd.nextBoolean() ? WindowMeans.MIN_ABS : -WindowMeans.MIN_ABS;
                    // the previous value negated or nudged, so a window's mean cancels to 0 or a residue
                    case 4 -> i > 0 ? -values[i - 1] * (rnd.nextBoolean() ? 1 : 1 + 0x1p-52) : 0.0;
                    default -> (rnd.nextDouble() * 2 - 1) * scale;
                };
                if (!WindowMeans.inRange(values[i])) {
                    values[i] = WindowMeans.MIN_ABS;
                }
            }
            final int windows = rnd.nextInt(600);
            final int[] from = new int[windows];
            final int[] to = new int[windows];
            final int[] outAt = new int[windows];
            // sliding windows as a range query makes them: a stride and a length, both jittered (ragged edges,
            // gaps), sometimes longer than a transposed block holds; or a regular series: windows exactly a stride
            // apart (shorter or longer than a window), now and then a gap
            final int stride = rnd.nextInt(1, 8);
            final boolean regular = rnd.nextInt(3) == 0;
            final int length = rnd.nextInt(4) == 0 ? rnd.nextInt(1, 3_000) : rnd.nextInt(1, 64);
            final int jitter = rnd.nextInt(4) == 0 ? rnd.nextInt(1, 40) : 1;
            int start = 0;
            for (int w = 0; w < windows; w++) {
                final int step = regular ? stride : rnd.nextInt(stride);
                start = Math.min(n - 1, start + step + (rnd.nextInt(50) == 0 ? rnd.nextInt(100) : 0));
                from[w] = start;
                to[w] = Math.min(n, start + Math.max(1, length - rnd.nextInt(jitter)));
                outAt[w] = 2 * w + rnd.nextInt(2);
            }
            final double[] out = new double[2 * windows + 1];
            means.averages(values, from, to, windows, out, outAt);
            for (int w = 0; w < windows; w++) {
                final double want = WindowFunction.AVG.over(values, from[w], to[w]);
                assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(out[outAt[w]]),
                    "seed=" + seed + " round " + round + " window " + w + " [" + from[w] + ", " + to[w] + ")");
            }
        }
    }
}
