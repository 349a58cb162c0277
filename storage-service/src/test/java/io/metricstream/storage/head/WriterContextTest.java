package io.metricstream.storage.head;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.testsupport.Seeds;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ingest thread's scratch state: the memoized block window against the plain division. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WriterContextTest {
    private static final long[] EDGES = {Long.MIN_VALUE, Long.MIN_VALUE + 1, -7_200_001L, -7_200_000L, -1, 0, 1,
        7_199_999L, 7_200_000L, Long.MAX_VALUE - 1, Long.MAX_VALUE};

    @Test
    void shouldAgreeWithFloorDivWhenTimestampsAreRandomAdjacentOrExtreme() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (final long d : new long[] {1, 3, 10_000, 7_200_000L, Long.MAX_VALUE / 3}) {
            final Head.WriterContext ctx = new Head.WriterContext(new HeadOptions(240, d, d / 2, 10, 8, 64));
            long a = rnd.nextLong();
            for (int i = 0; i < 200_000; i++) {
                a = switch (rnd.nextInt(5)) {
                    case 0 -> rnd.nextLong();
                    case 1 -> EDGES[rnd.nextInt(EDGES.length)];
                    case 2 -> EDGES[rnd.nextInt(EDGES.length)] + rnd.nextLong(-3 * d, 3 * d);
                    default -> a + rnd.nextLong(-d, d); // near the last one, mostly in its cached window
                };
                final long b = rnd.nextInt(3) == 0 ? rnd.nextLong() : a + rnd.nextLong(-2 * d, 2 * d);
                assertEquals(Math.floorDiv(a, d) == Math.floorDiv(b, d), ctx.sameWindow(a, b),
                    "seed=" + seed + " d=" + d + " a=" + a + " b=" + b);
            }
        }
    }
}
