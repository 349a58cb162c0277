package io.metricstream.query.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.query.eval.QueryResult;
import io.metricstream.testsupport.Seeds;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The byte writer's answer (parallel parts for big matrices) equals the one-builder answer byte for byte. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PromJsonTest {
    /** Stands for the service's decoding threads, which take the parts after the first. */
    private static final ExecutorService PARTS = Executors.newFixedThreadPool(2);

    @AfterAll
    static void stopParts() {
        PARTS.shutdownNow();
    }

    private static QueryResult.Matrix matrix(final SplittableRandom rnd, final int seriesCount, final int maxPoints) {
        final List<QueryResult.Series> series = new ArrayList<>();
        for (int i = 0; i < seriesCount; i++) {
            final int n = 1 + rnd.nextInt(maxPoints);
            final long[] ts = new long[n];
            final double[] vs = new double[n];
            for (int k = 0; k < n; k++) {
                ts[k] = 1_704_067_200_000L + k * 60_000L + rnd.nextInt(3) * 7;
                vs[k] = rnd.nextBoolean() ? rnd.nextDouble() * 1e4 : rnd.nextInt(1000) / 100.0;
            }
            series.add(new QueryResult.Series(LabelSet.of("__name__", "m", "host", "h\u00e9" + i), ts, vs));
        }
        return new QueryResult.Matrix(series);
    }

    /** The bytes of {@link PromJson#successResultBuf} (pooled, so a leak fails the paranoid leak detector). */
    private static byte[] written(final QueryResult r) {
        final ByteBuf buf = PromJson.successResultBuf(PooledByteBufAllocator.DEFAULT, r, PARTS);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static byte[] reference(final QueryResult r) {
        return PromJson.successResult(r).toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldEqualOneBuilderAnswerWhenLargeMatrixIsWrittenInParts() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 10; round++) {
            final QueryResult.Matrix m = matrix(rnd, 2 + rnd.nextInt(300), 1 + rnd.nextInt(3_000));
            assertArrayEquals(reference(m), written(m), "seed=" + seed);
        }
    }

    @Test
    void shouldEqualOneBuilderAnswerWhenTimesAreNegativeExtremeOrRepeated() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 20; round++) {
            // a few hundred distinct times repeated in random order across series: negative, zero, near
            // Long.MIN_VALUE, whole seconds and millis
            final long[] pool = new long[1 + rnd.nextInt(600)];
            for (int i = 0; i < pool.length; i++) {
                pool[i] = switch (rnd.nextInt(5)) {
                    case 0 -> rnd.nextLong(-10_000_000L, 10_000_000L);
                    case 1 -> rnd.nextLong() >> rnd.nextInt(64);
                    case 2 -> 1_704_067_200_000L + rnd.nextInt(100_000) * 1_000L;
                    case 3 -> i == 0 ? 0 : Long.MIN_VALUE + 1 + rnd.nextInt(1000);
                    default -> 1_704_067_200_000L + rnd.nextInt(100_000_000);
                };
            }
            final List<QueryResult.Series> series = new ArrayList<>();
            for (int k = 0; k < 1 + rnd.nextInt(30); k++) {
                final int n = 1 + rnd.nextInt(2_000);
                final long[] ts = new long[n];
                final double[] vs = new double[n];
                for (int j = 0; j < n; j++) {
                    ts[j] = pool[rnd.nextInt(pool.length)];
                    vs[j] = rnd.nextInt(1000) / 10.0;
                }
                series.add(new QueryResult.Series(LabelSet.of("__name__", "m", "k", Integer.toString(k)), ts, vs));
            }
            final QueryResult.Matrix m = new QueryResult.Matrix(series);
            assertArrayEquals(reference(m), written(m), "seed=" + seed);
        }
    }

    @Test
    void shouldEqualOneBuilderAnswerWhenValuesAreSpecialExtremeOrRepeated() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 20; round++) {
            // values drawn from a pool (repeats, as gauges of hundredths have) or fresh: NaN, infinities, signed
            // zeros, subnormals, extreme exponents, integers, short decimals and 17-digit means
            final double[] pool = new double[1 + rnd.nextInt(50)];
            for (int i = 0; i < pool.length; i++) {
                pool[i] = value(rnd);
            }
            final List<QueryResult.Series> series = new ArrayList<>();
            for (int k = 0; k < 1 + rnd.nextInt(30); k++) {
                final int n = 1 + rnd.nextInt(2_000);
                final long[] ts = new long[n];
                final double[] vs = new double[n];
                for (int j = 0; j < n; j++) {
                    ts[j] = 1_704_067_200_000L + j * 60_000L;
                    vs[j] = rnd.nextBoolean() ? pool[rnd.nextInt(pool.length)] : value(rnd);
                }
                series.add(new QueryResult.Series(LabelSet.of("__name__", "m", "k", Integer.toString(k)), ts, vs));
            }
            final QueryResult.Matrix m = new QueryResult.Matrix(series);
            assertArrayEquals(reference(m), written(m), "seed=" + seed);
            final QueryResult.Vector v = new QueryResult.Vector(1_704_067_200_123L, List.of(
                new QueryResult.Sample(LabelSet.of("k", "a"), value(rnd)),
                new QueryResult.Sample(LabelSet.of("k", "b"), value(rnd))));
            assertArrayEquals(reference(v), written(v), "seed=" + seed);
        }
    }

    private static double value(final SplittableRandom rnd) {
        return switch (rnd.nextInt(10)) {
            case 0 -> Double.NaN;
            case 1 -> rnd.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            case 2 -> rnd.nextBoolean() ? 0.0 : -0.0;
            case 3 -> Double.longBitsToDouble(rnd.nextLong(1, 1L << 52)) * (rnd.nextBoolean() ? 1 : -1);
            case 4 -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(-320, 309));
            case 5 -> Double.longBitsToDouble(rnd.nextLong());
            case 6 -> (double) (rnd.nextLong() >> rnd.nextInt(64));
            case 7 -> rnd.nextInt(-10_000, 10_000) / 100.0;
            default -> rnd.nextInt(0, 1_000_000) / 100.0 / rnd.nextInt(1, 42);
        };
    }

    @Test
    void shouldWriteEveryPointLikeMarshalTimestampWhenSeriesShareTimestamps() {
        final SplittableRandom rnd = new SplittableRandom(3);
        final QueryResult.Matrix m = matrix(rnd, 40, 6_000);
        final StringBuilder want = new StringBuilder("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\","
            + "\"result\":[");
        for (int i = 0; i < m.series().size(); i++) {
            final QueryResult.Series s = m.series().get(i);
            want.append(i > 0 ? "," : "").append("{\"metric\":");
            PromJson.labels(want, s.labels());
            want.append(",\"values\":[");
            for (int k = 0; k < s.timestamps().length; k++) {
                final long t = s.timestamps()[k];
                want.append(k > 0 ? "," : "").append('[').append(t / 1000)
                    .append(t % 1000 == 0 ? "" : String.format(Locale.ROOT, ".%03d", t % 1000)).append(",\"")
                    .append(io.metricstream.query.eval.PromFloats.format(s.values()[k])).append("\"]");
            }
            want.append("]}");
        }
        want.append("]}}");
        assertEquals(want.toString(), PromJson.successResult(m).toString());
        assertArrayEquals(want.toString().getBytes(StandardCharsets.UTF_8), written(m));
    }

    /** Parts a matrix of {@code series} series and {@code points} points is written in. */
    private static int expectedParts(final int series, final long points) {
        final int cores = Runtime.getRuntime().availableProcessors();
        if (cores < 2 || series < 2 || points < PromJson.PARALLEL_MIN_POINTS) {
            return 1;
        }
        return Math.min(cores, series);
    }

    private static long points(final QueryResult.Matrix m) {
        long n = 0;
        for (final QueryResult.Series s : m.series()) {
            n += s.timestamps().length;
        }
        return n;
    }

    @Test
    void shouldEqualOneBuilderAnswerWhenPartsAreTakenByAnyThreadInAnyOrder() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final List<Runnable> late = new ArrayList<>();
        final List<Executor> executors = List.of(PARTS, Runnable::run, late::add, task -> {
            throw new RejectedExecutionException("shut down");
        });
        for (int round = 0; round < 40; round++) {
            // 2..120 series (some empty) of up to 1,441 points with NaN, infinities and long means among the
            // values, in one part or one per core: on the decoding threads, on the caller only (a rejecting or
            // never-running executor) or on the executor before the caller starts
            final List<QueryResult.Series> series = new ArrayList<>();
            for (int k = 0; k < 2 + rnd.nextInt(119); k++) {
                final int n = rnd.nextInt(8) == 0 ? 0 : 1 + rnd.nextInt(1_441);
                final long[] ts = new long[n];
                final double[] vs = new double[n];
                for (int j = 0; j < n; j++) {
                    ts[j] = 1_704_067_200_000L + j * 60_000L;
                    vs[j] = rnd.nextInt(4) == 0 ? value(rnd) : rnd.nextDouble() * 100;
                }
                series.add(new QueryResult.Series(LabelSet.of("__name__", "m", "k", Integer.toString(k)), ts, vs));
            }
            final QueryResult.Matrix m = new QueryResult.Matrix(series);
            final Executor parts = executors.get(rnd.nextInt(executors.size()));
            final ByteBuf buf = PromJson.successResultBuf(PooledByteBufAllocator.DEFAULT, m, parts);
            try {
                assertEquals(expectedParts(series.size(), points(m)), buf.nioBufferCount(), "seed=" + seed);
                assertArrayEquals(reference(m), ByteBufUtil.getBytes(buf), "seed=" + seed);
            } finally {
                buf.release();
            }
            late.forEach(Runnable::run);
            late.clear();
        }
    }

    @Test
    void shouldReleaseEveryWrittenPartWhenExecutorFailsAfterRunningTheTask() {
        // the helper wrote parts, then the executor failed otherwise than by rejecting: the answer fails (the
        // handler answers the error shape: nothing was sent yet) and no written part stays allocated
        final QueryResult.Matrix m = matrix(new SplittableRandom(7), 200, 2_000);
        final FailingAllocator alloc = new FailingAllocator(Integer.MAX_VALUE);
        assertThrows(IllegalStateException.class, () -> PromJson.successResultBuf(alloc, m, task -> {
            task.run();
            throw new IllegalStateException("executor failed");
        }));
        assertEquals(expectedParts(200, points(m)) > 1, !alloc.allocated.isEmpty());
        for (final ByteBuf b : alloc.allocated) {
            assertEquals(0, b.refCnt(), "a written part was not released");
        }
    }

    @Test
    void shouldSplitOverCoresWhenMatrixHasManyPoints() {
        final QueryResult.Matrix m = matrix(new SplittableRandom(1), 200, 2_000);
        final ByteBuf buf = PromJson.successResultBuf(PooledByteBufAllocator.DEFAULT, m, PARTS);
        try {
            assertEquals(expectedParts(200, points(m)), buf.nioBufferCount());
            assertArrayEquals(reference(m), ByteBufUtil.getBytes(buf));
        } finally {
            buf.release();
        }
    }

    @Test
    void shouldWriteEveryPartOnCallerWhenExecutorNeverRunsThem() {
        // a saturated executor: the parts it was handed would start after the answer, so the caller takes them
        final List<Runnable> queued = new ArrayList<>();
        final QueryResult.Matrix m = matrix(new SplittableRandom(5), 200, 2_000);
        final ByteBuf buf = PromJson.successResultBuf(PooledByteBufAllocator.DEFAULT, m, queued::add);
        try {
            assertArrayEquals(reference(m), ByteBufUtil.getBytes(buf));
        } finally {
            buf.release();
        }
        // a part started late finds nothing left to write
        queued.forEach(Runnable::run);
    }

    @Test
    void shouldWriteEveryPartOnCallerWhenExecutorRejects() {
        final QueryResult.Matrix m = matrix(new SplittableRandom(6), 200, 2_000);
        final ByteBuf buf = PromJson.successResultBuf(PooledByteBufAllocator.DEFAULT, m, task -> {
            throw new RejectedExecutionException("shut down");
        });
        try {
            assertArrayEquals(reference(m), ByteBufUtil.getBytes(buf));
        } finally {
            buf.release();
        }
    }

    @Test
    void shouldWriteOnePartWhenResultIsSmall() {
        final QueryResult.Matrix m = matrix(new SplittableRandom(2), 3, 10);
        final ByteBuf buf = PromJson.successResultBuf(PooledByteBufAllocator.DEFAULT, m);
        try {
            assertEquals(1, buf.nioBufferCount());
            assertArrayEquals(reference(m), ByteBufUtil.getBytes(buf));
        } finally {
            buf.release();
        }
    }

    /** Hands out unpooled buffers, remembers them, and fails the {@code failAt}-th allocation. */
    private static final class FailingAllocator extends AbstractByteBufAllocator {
        private final List<ByteBuf> allocated = Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger calls = new AtomicInteger();
        private final int failAt;

        FailingAllocator(final int failAt) {
            super(false);
            this.failAt = failAt;
        }

        private ByteBuf track(final ByteBuf b) {
            if (calls.incrementAndGet() == failAt) {
                b.release();
                throw new IllegalStateException("allocation " + failAt + " fails");
            }
            allocated.add(b);
            return b;
        }

        @Override
        protected ByteBuf newHeapBuffer(final int initialCapacity, final int maxCapacity) {
            return track(Unpooled.buffer(initialCapacity, maxCapacity));
        }

        @Override
        protected ByteBuf newDirectBuffer(final int initialCapacity, final int maxCapacity) {
            return track(Unpooled.directBuffer(initialCapacity, maxCapacity));
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    @Test
    void shouldReleaseEveryPartWhenOnePartCannotBeWritten() {
        final QueryResult.Matrix m = matrix(new SplittableRandom(4), 200, 2_000);
        for (int failAt = 1; failAt <= expectedParts(200, points(m)); failAt++) {
            final FailingAllocator alloc = new FailingAllocator(failAt);
            assertThrows(RuntimeException.class, () -> PromJson.successResultBuf(alloc, m, PARTS));
            for (final ByteBuf b : alloc.allocated) {
                assertEquals(0, b.refCnt(), "a part's buffer was not released (failAt=" + failAt + ")");
            }
        }
    }

    @Test
    void shouldEqualOneBuilderAnswerWhenVectorsScalarsAndStringsNeedEscapes() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final String alphabet = "ab\"\\\n\r\t\u0001\u001f<>&\u00e9\u20ac\u2028\u2029\ud83d\ude00\ud800z";
        for (int round = 0; round < 200; round++) {
            final List<QueryResult.Sample> samples = new ArrayList<>();
            for (int i = 0; i < 1 + rnd.nextInt(20); i++) {
                final StringBuilder value = new StringBuilder();
                for (int k = rnd.nextInt(12); k > 0; k--) {
                    value.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
                }
                final double v = Double.longBitsToDouble(rnd.nextLong());
                samples.add(new QueryResult.Sample(LabelSet.of("job", value.toString() + i), v));
            }
            final long t = rnd.nextLong(-2_000_000_000_000L, 4_000_000_000_000L);
            final String text = samples.getFirst().labels().value(0);
            for (final QueryResult r : List.of(new QueryResult.Vector(t, samples),
                new QueryResult.Scalar(t, samples.getLast().value()), new QueryResult.Str(t, text))) {
                assertArrayEquals(reference(r), written(r), "seed=" + seed + " " + r);
            }
        }
    }
}
