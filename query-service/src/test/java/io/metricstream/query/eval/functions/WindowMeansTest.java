package io.metricstream.query.eval.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.contracts.storage.WindowFunction;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link WindowMeans} against the plain incremental mean, window by window, bit for bit. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WindowMeansTest {
    @Test
    void shouldEqualWindowFunctionAvgBitForBitForAnyWindowLayout() {
        final long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("WindowMeansTest seed=" + seed + " (replay with -Dseed=" + seed + ")");
        final SplittableRandom rnd = new SplittableRandom(seed);
        final WindowMeans means = WindowMeans.get();
        for (int round = 0; round < 300; round++) {
            final int n = 1 + rnd.nextInt(20_000);
            final double[] values = new double[n];
            final double scale = switch (rnd.nextInt(3)) {
                case 0 -> 100;
                case 1 -> 1e12;
                default -> 1e300;
            };
            for (int i = 0; i < n; i++) {
                values[i] = rnd.nextInt(8) == 0 ? Math.round(rnd.nextDouble() * 1e4) / 100.0
                    : (rnd.nextDouble() * 2 - 1) * scale;
            }
            final int windows = rnd.nextInt(600);
            final int[] from = new int[windows];
            final int[] to = new int[windows];
            final int[] outAt = new int[windows];
            // sliding windows as a range query makes them: a stride and a length, both jittered (ragged edges,
            // gaps), sometimes longer than a transposed block holds
            final int stride = rnd.nextInt(1, 8);
            final int length = rnd.nextInt(4) == 0 ? rnd.nextInt(1, 3_000) : rnd.nextInt(1, 64);
            final int jitter = rnd.nextInt(4) == 0 ? rnd.nextInt(1, 40) : 1;
            int start = 0;
            for (int w = 0; w < windows; w++) {
                start = Math.min(n - 1, start + rnd.nextInt(stride) + (rnd.nextInt(50) == 0 ? rnd.nextInt(100) : 0));
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
