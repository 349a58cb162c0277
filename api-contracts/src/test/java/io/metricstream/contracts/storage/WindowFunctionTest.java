package io.metricstream.contracts.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.contracts.wire.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class WindowFunctionTest {

    @Test
    void shouldEqualOverBitForBitWhenFourWindowsAreAveragedAtOnce() {
        final double[] specials = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, -0.0, 1e308,
            -1e308, Double.MIN_VALUE};
        Seeds.withSeed("four-window averages", rnd -> {
            for (int round = 0; round < 2_000; round++) {
                final double[] values = new double[1 + rnd.nextInt(200)];
                for (int i = 0; i < values.length; i++) {
                    values[i] = rnd.nextInt(20) == 0 ? specials[rnd.nextInt(specials.length)]
                        : Math.round(rnd.nextDouble(-1e6, 1e6)) / 100.0;
                }
                final int[] from = new int[4];
                final int[] to = new int[4];
                final int[] outAt = {3, 0, 2, 1};
                for (int w = 0; w < 4; w++) {
                    from[w] = rnd.nextInt(values.length);
                    to[w] = from[w] + 1 + rnd.nextInt(values.length - from[w]);
                }
                final double[] out = new double[4];
                WindowFunction.averagesOfFour(values, from, to, 0, out, outAt);
                for (int w = 0; w < 4; w++) {
                    final double want = WindowFunction.AVG.over(values, from[w], to[w]);
                    assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(out[outAt[w]]),
                        "window [" + from[w] + ", " + to[w] + ")");
                }
            }
        });
    }
}
