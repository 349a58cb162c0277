package io.metricstream.query.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.chunk.ChunkCorruptException;
import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.StaleMarker;
import io.metricstream.contracts.storage.SeriesChunks;
import io.metricstream.contracts.storage.SeriesSamples;
import io.metricstream.query.eval.RangeSeries;
import io.metricstream.testsupport.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Parallel chunk decoding gives exactly the serial decode, in input order; corruption fails the answer. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChunkDecoderTest {
    private static final ChunkDecoder DECODER = new ChunkDecoder(3);

    @AfterAll
    static void close() {
        DECODER.close();
    }

    private static List<SeriesChunks> randomSeries(final SplittableRandom rnd, final int count) {
        final List<SeriesChunks> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            final int n = 1 + rnd.nextInt(rnd.nextBoolean() ? 40 : 4000);
            final long[] ts = new long[n];
            final double[] vs = new double[n];
            long t = rnd.nextLong(-100_000, 100_000);
            for (int k = 0; k < n; k++) {
                t += 1 + rnd.nextInt(30_000);
                ts[k] = t;
                vs[k] = switch (rnd.nextInt(4)) {
                    case 0 -> rnd.nextInt(1000);
                    case 1 -> rnd.nextDouble() * 1e6;
                    case 2 -> k % 50 == 0 ? StaleMarker.VALUE : k;
                    default -> Math.round(rnd.nextDouble() * 1e4) / 100.0;
                };
            }
            out.add(FakeStorageService.chunks(new SeriesSamples(LabelSet.of("__name__", "m", "i",
                Integer.toString(i)), ts, vs), Long.MIN_VALUE, Long.MAX_VALUE, 1 + rnd.nextInt(200)));
        }
        return out;
    }

    @Test
    void shouldEqualSerialDecodeWhenSeriesAreSplitOverThreads() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 20; round++) {
            final List<SeriesChunks> series = randomSeries(rnd, 1 + rnd.nextInt(300));
            final long min = rnd.nextLong(-200_000, 2_000_000);
            final long max = min + rnd.nextLong(0, 100_000_000);
            final List<SeriesSamples> parallel = DECODER.decode(series, min, max).join();
            final ChunkReader reader = new ChunkReader();
            final List<SeriesSamples> serial = new ArrayList<>();
            for (final SeriesChunks s : series) {
                final SeriesSamples decoded = s.decode(min, max, reader);
                if (decoded.size() > 0) {
                    serial.add(decoded);
                }
            }
            assertEquals(serial.size(), parallel.size(), "seed=" + seed);
            for (int i = 0; i < serial.size(); i++) {
                final SeriesSamples want = serial.get(i);
                final SeriesSamples got = parallel.get(i);
                assertEquals(want.labels(), got.labels(), "seed=" + seed);
                assertArrayEquals(want.timestamps(), got.timestamps(), "seed=" + seed);
                assertSameSamples(want.timestamps(), want.values(), got.timestamps(), got.values(), want.size(), seed);
            }
        }
    }

    @Test
    void shouldEqualSerialDecodeWithoutStaleMarkersWhenDecodingRanges() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 20; round++) {
            final List<SeriesChunks> series = randomSeries(rnd, 1 + rnd.nextInt(300));
            if (round % 2 == 0) {
                series.add(overlapping(rnd));
            }
            final long min = rnd.nextLong(-200_000, 2_000_000);
            final long max = min + rnd.nextLong(0, 100_000_000);
            final List<RangeSeries> fused = DECODER.decodeRanges(series, min, max).join();
            final ChunkReader reader = new ChunkReader();
            final List<RangeSeries> serial = new ArrayList<>();
            for (final SeriesChunks s : series) {
                final RangeSeries decoded = RangeDecoding.fromSamples(s.decode(min, max, reader));
                if (decoded.size() > 0) {
                    serial.add(decoded);
                }
            }
            assertEquals(serial.size(), fused.size(), "seed=" + seed);
            for (int i = 0; i < serial.size(); i++) {
                final RangeSeries want = serial.get(i);
                final RangeSeries got = fused.get(i);
                assertEquals(want.labels(), got.labels(), "seed=" + seed);
                assertEquals(want.size(), got.size(), "seed=" + seed);
                assertEquals(want.mayReset(), got.mayReset(), "seed=" + seed);
                assertSameSamples(want.timestamps(), want.values(), got.timestamps(), got.values(), want.size(), seed);
                for (int k = 0; k < want.size(); k++) {
                    assertFalse(StaleMarker.isStale(got.values()[k]), "seed=" + seed);
                }
            }
        }
    }

    @Test
    void shouldEqualSerialDecodeWhenMappingEachSeriesWhereItIsDecoded() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 20; round++) {
            final List<SeriesChunks> series = randomSeries(rnd, 1 + rnd.nextInt(300));
            if (round % 2 == 0) {
                series.add(rnd.nextInt(series.size() + 1), overlapping(rnd));
            }
            final long min = rnd.nextLong(-200_000, 2_000_000);
            final long max = min + rnd.nextLong(0, 100_000_000);
            // the mapper copies: the arrays it gets are the decoding thread's, reused for the next series
            final List<SeriesSource.Mapped<SeriesSamples>> mapped = DECODER.decodeMapped(series, min, max,
                (labels, ts, vs, n) -> new SeriesSamples(labels, Arrays.copyOf(ts, n), Arrays.copyOf(vs, n))).join();
            final List<SeriesSamples> serial = DECODER.decode(series, min, max).join();
            assertEquals(serial.size(), mapped.size(), "seed=" + seed);
            for (int i = 0; i < serial.size(); i++) {
                final SeriesSamples want = serial.get(i);
                final SeriesSamples got = mapped.get(i).value();
                assertEquals(want.labels(), mapped.get(i).labels(), "seed=" + seed);
                assertEquals(want.size(), mapped.get(i).samples(), "seed=" + seed);
                assertArrayEquals(want.timestamps(), got.timestamps(), "seed=" + seed);
                assertSameSamples(want.timestamps(), want.values(), got.timestamps(), got.values(), want.size(), seed);
            }
        }
    }

    @Test
    void shouldEqualRangeDecodeWhenMappingEachRangeSeriesWhereItIsDecoded() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 20; round++) {
            final List<SeriesChunks> series = randomSeries(rnd, 1 + rnd.nextInt(300));
            if (round % 2 == 0) {
                series.add(rnd.nextInt(series.size() + 1), overlapping(rnd));
            }
            final long min = rnd.nextLong(-200_000, 2_000_000);
            final long max = min + rnd.nextLong(0, 100_000_000);
            if (round % 3 == 1) {
                // as the warm-up does every round: new empty scratch arrays, grown again by this round's series
                DECODER.renewScratches();
            }
            final List<SeriesSource.Mapped<RangeSeries>> mapped = DECODER.decodeRangesMapped(series, min, max,
                r -> new RangeSeries(r.labels(), Arrays.copyOf(r.timestamps(), r.size()),
                    Arrays.copyOf(r.values(), r.size()), r.size(), r.mayReset())).join();
            final List<RangeSeries> serial = DECODER.decodeRanges(series, min, max).join();
            assertEquals(serial.size(), mapped.size(), "seed=" + seed);
            for (int i = 0; i < serial.size(); i++) {
                final RangeSeries want = serial.get(i);
                final RangeSeries got = mapped.get(i).value();
                assertEquals(want.labels(), got.labels(), "seed=" + seed);
                assertEquals(want.size(), mapped.get(i).samples(), "seed=" + seed);
                assertEquals(want.mayReset(), got.mayReset(), "seed=" + seed);
                assertSameSamples(want.timestamps(), want.values(), got.timestamps(), got.values(), want.size(), seed);
            }
        }
    }

    @Test
    void shouldEqualWholeDecodeWhenBatchesAreDecodedAsTheyArrive() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 20; round++) {
            final List<SeriesChunks> series = randomSeries(rnd, rnd.nextInt(300));
            if (round % 2 == 0) {
                series.add(rnd.nextInt(series.size() + 1), overlapping(rnd));
            }
            final long min = rnd.nextLong(-200_000, 2_000_000);
            final long max = min + rnd.nextLong(0, 100_000_000);
            final ChunkDecoder.Streamed<RangeSeries> ranges = DECODER.streamRanges(min, max);
            final ChunkDecoder.Streamed<SeriesSource.Mapped<RangeSeries>> rangesMapped = DECODER.streamRangesMapped(
                min, max, r -> new RangeSeries(r.labels(), Arrays.copyOf(r.timestamps(), r.size()),
                    Arrays.copyOf(r.values(), r.size()), r.size(), r.mayReset()));
            final ChunkDecoder.Streamed<SeriesSource.Mapped<SeriesSamples>> mapped = DECODER.streamMapped(min, max,
                (labels, ts, vs, n) -> new SeriesSamples(labels, Arrays.copyOf(ts, n), Arrays.copyOf(vs, n)));
            // batches of random sizes (an empty answer gives none), each handed over while earlier ones decode
            int from = 0;
            while (from < series.size()) {
                final int to = Math.min(series.size(), from + 1 + rnd.nextInt(1 + rnd.nextInt(120)));
                final List<SeriesChunks> batch = List.copyOf(series.subList(from, to));
                ranges.accept(batch);
                rangesMapped.accept(batch);
                mapped.accept(batch);
                from = to;
            }
            final List<RangeSeries> wantRanges = DECODER.decodeRanges(series, min, max).join();
            final List<RangeSeries> gotRanges = ranges.result().join();
            final List<SeriesSource.Mapped<RangeSeries>> gotRangesMapped = rangesMapped.result().join();
            assertEquals(wantRanges.size(), gotRanges.size(), "seed=" + seed);
            assertEquals(wantRanges.size(), gotRangesMapped.size(), "seed=" + seed);
            for (int i = 0; i < wantRanges.size(); i++) {
                final RangeSeries want = wantRanges.get(i);
                for (final RangeSeries got : List.of(gotRanges.get(i), gotRangesMapped.get(i).value())) {
                    assertEquals(want.labels(), got.labels(), "seed=" + seed);
                    assertEquals(want.size(), got.size(), "seed=" + seed);
                    assertEquals(want.mayReset(), got.mayReset(), "seed=" + seed);
                    assertSameSamples(want.timestamps(), want.values(), got.timestamps(), got.values(), want.size(),
                        seed);
                }
            }
            final List<SeriesSamples> wantSamples = DECODER.decode(series, min, max).join();
            final List<SeriesSource.Mapped<SeriesSamples>> gotSamples = mapped.result().join();
            assertEquals(wantSamples.size(), gotSamples.size(), "seed=" + seed);
            for (int i = 0; i < wantSamples.size(); i++) {
                final SeriesSamples want = wantSamples.get(i);
                final SeriesSamples got = gotSamples.get(i).value();
                assertEquals(want.labels(), got.labels(), "seed=" + seed);
                assertEquals(want.size(), got.size(), "seed=" + seed);
                assertSameSamples(want.timestamps(), want.values(), got.timestamps(), got.values(), want.size(), seed);
            }
        }
    }

    @Test
    void shouldFailStreamedDecodeWhenAChunkOfALaterBatchIsMalformed() {
        final List<SeriesChunks> series = randomSeries(new SplittableRandom(11), 20);
        series.get(15).chunks()[0][0] = (byte) 0x7f; // unknown encoding
        final ChunkDecoder.Streamed<RangeSeries> ranges = DECODER.streamRanges(Long.MIN_VALUE, Long.MAX_VALUE);
        ranges.accept(List.copyOf(series.subList(0, 10)));
        ranges.accept(List.copyOf(series.subList(10, 20)));
        final CompletionException e = assertThrows(CompletionException.class, () -> ranges.result().join());
        assertInstanceOf(ChunkCorruptException.class, e.getCause());
    }

    /** The first {@code n} samples are equal: timestamps, and values bit for bit (stale markers included). */
    private static void assertSameSamples(final long[] wantTs, final double[] wantVs, final long[] gotTs,
                                          final double[] gotVs, final int n, final long seed) {
        for (int k = 0; k < n; k++) {
            assertEquals(wantTs[k], gotTs[k], "seed=" + seed);
            assertEquals(Double.doubleToRawLongBits(wantVs[k]), Double.doubleToRawLongBits(gotVs[k]), "seed=" + seed);
        }
    }

    /** One series whose second half of chunks re-covers the first half's time span (out-of-order head data). */
    private static SeriesChunks overlapping(final SplittableRandom rnd) {
        final SeriesChunks a = randomSeries(rnd, 1).getFirst();
        final SeriesChunks b = randomSeries(rnd, 1).getFirst();
        final List<Integer> order = new ArrayList<>();
        final int n = a.chunkCount() + b.chunkCount();
        final long[] mins = new long[n];
        final long[] maxs = new long[n];
        final byte[][] chunks = new byte[n][];
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        order.sort((x, y) -> Long.compare(x < a.chunkCount() ? a.minTimes()[x] : b.minTimes()[x - a.chunkCount()],
            y < a.chunkCount() ? a.minTimes()[y] : b.minTimes()[y - a.chunkCount()]));
        for (int i = 0; i < n; i++) {
            final int k = order.get(i);
            final SeriesChunks from = k < a.chunkCount() ? a : b;
            final int c = k < a.chunkCount() ? k : k - a.chunkCount();
            mins[i] = from.minTimes()[c];
            maxs[i] = from.maxTimes()[c];
            chunks[i] = from.chunks()[c];
        }
        return new SeriesChunks(LabelSet.of("__name__", "overlap"), mins, maxs, chunks);
    }

    @Test
    void shouldAnswerEmptyWhenNoSeries() {
        assertEquals(List.of(), DECODER.decode(List.of(), 0, 1).join());
    }

    @Test
    void shouldLeaveSeriesOutWhenItsChunksHoldNoSampleInTheRange() {
        final SeriesChunks gap = FakeStorageService.chunks(new SeriesSamples(LabelSet.of("__name__", "gap"),
            new long[] {0, 1_000, 9_000, 10_000}, new double[] {1, 2, 3, 4}), Long.MIN_VALUE, Long.MAX_VALUE, 4);
        final SeriesChunks dense = FakeStorageService.chunks(new SeriesSamples(LabelSet.of("__name__", "dense"),
            new long[] {4_000, 5_000}, new double[] {5, 6}), Long.MIN_VALUE, Long.MAX_VALUE, 4);
        final List<SeriesSamples> out = DECODER.decode(List.of(gap, dense), 2_000, 8_000).join();
        assertEquals(1, out.size());
        assertEquals(LabelSet.of("__name__", "dense"), out.getFirst().labels());
    }

    @Test
    void shouldFailWithChunkCorruptWhenAChunkIsMalformed() {
        final List<SeriesChunks> series = randomSeries(new SplittableRandom(7), 50);
        final SeriesChunks victim = series.get(31);
        victim.chunks()[0][0] = (byte) 0x7f; // unknown encoding
        final CompletionException e = assertThrows(CompletionException.class,
            () -> DECODER.decode(series, Long.MIN_VALUE, Long.MAX_VALUE).join());
        assertInstanceOf(ChunkCorruptException.class, e.getCause());
    }

    @Test
    void shouldVisitEveryIndexOnceAndUseTheDecodingThreadsWhenRunningPerSeriesWork() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 50; round++) {
            final int n = round < 5 ? round : 1 + rnd.nextInt(5_000);
            final AtomicIntegerArray visits = new AtomicIntegerArray(n);
            final Set<String> threads = ConcurrentHashMap.newKeySet();
            DECODER.forEach(n, i -> {
                visits.incrementAndGet(i);
                threads.add(Thread.currentThread().getName());
            });
            for (int i = 0; i < n; i++) {
                assertEquals(1, visits.get(i), "seed " + seed + " n " + n + " index " + i);
            }
            for (final String t : threads) {
                // never the common fork-join pool: only the decoder's threads and the caller
                assertTrue(t.startsWith("query-decode-") || t.equals(Thread.currentThread().getName()),
                    "seed " + seed + " ran on " + t);
            }
            if (n >= 4) {
                assertTrue(threads.stream().anyMatch(t -> t.startsWith("query-decode-")), "seed " + seed);
            }
        }
    }

    @Test
    void shouldRethrowTheSlicesOwnExceptionWhenPerSeriesWorkFails() {
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> DECODER.forEach(100, i -> {
            if (i == 3) { // the first slice: on a decoding thread, not the caller
                throw new IllegalStateException("series " + i);
            }
        }));
        assertEquals("series 3", e.getMessage());
    }
}
