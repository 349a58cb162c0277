package io.metricstream.storage.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.chunk.BitWriter;
import io.metricstream.contracts.chunk.ChunkDescriptor;
import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.contracts.chunk.ChunkWriter;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.storage.chunk.SampleBuffer;
import io.metricstream.testsupport.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The open chunk a series caches for selects, against a model of its samples. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MemSeriesTest {
    private static final LabelSet CPU = LabelSet.of("__name__", "cpu", "host", "a");
    private static final HeadOptions OPTIONS = new HeadOptions(12, 1_000L, 300L, 100, 8, 64);

    private final ChunkWriter writer = new ChunkWriter(ChunkDescriptor.MAX_SAMPLES);
    private final BitWriter out = new BitWriter(64);
    private final ChunkReader reader = new ChunkReader();
    private final List<HeadChunk> closed = new ArrayList<>();

    private HeadChunk open(final MemSeries s) {
        closed.clear();
        out.reset();
        return s.chunks(Long.MIN_VALUE, Long.MAX_VALUE, closed, writer, out);
    }

    @Test
    void shouldReturnTheSameBytesWhenNothingChangedBetweenSelects() {
        final Head head = new Head(OPTIONS, new HeadMetrics(new MetricsRegistry()));
        head.append(CPU, 10, 1.0);
        head.append(CPU, 20, 2.0);
        final MemSeries s = head.registry().getOrCreate(CPU, 12);
        final HeadChunk first = open(s);
        assertTrue(out.byteLength() > 0, "first select encodes");
        final HeadChunk second = open(s);
        assertSame(first, second);
        assertEquals(0, out.byteLength(), "a cached chunk is not encoded again");
        assertSame(first, head.encodeOpen(s), "the checkpoint shares the cached chunk");
        head.append(CPU, 30, 3.0);
        final HeadChunk third = open(s);
        assertNotSame(first, third);
        assertEquals(3, third.count());
        assertEquals(30, third.maxTimeMs());
    }

    @Test
    void shouldMatchModelWhenSelectsInterleaveEveryMutation() {
        final long seed = Seeds.seed();
        for (int round = 0; round < 40; round++) {
            run(new SplittableRandom(seed + round), "seed=" + seed + " round=" + round);
        }
    }

    private void run(final SplittableRandom rnd, final String tag) {
        Head head = new Head(OPTIONS, new HeadMetrics(new MetricsRegistry()));
        MemSeries s = head.registry().getOrCreate(CPU, OPTIONS.maxSamplesPerChunk());
        final TreeMap<Long, Long> model = new TreeMap<>();
        long maxTs = Long.MIN_VALUE;
        long flushedMaxTs = Long.MIN_VALUE;
        long next = rnd.nextLong(0, 5_000);
        for (int step = 0; step < 1_000; step++) {
            final int op = rnd.nextInt(100);
            final String at = tag + " step=" + step + " op=" + op;
            if (op < 55) {
                next += rnd.nextLong(1, 60);
                final long bits = rnd.nextLong();
                assertEquals(AppendStatus.APPENDED, head.append(s, next, bits), at);
                model.put(next, bits);
                maxTs = next;
            } else if (op < 75 && maxTs != Long.MIN_VALUE) {
                final long ts = maxTs - rnd.nextLong(0, 400);
                final long bits = rnd.nextInt(4) == 0 && model.containsKey(ts) ? model.get(ts) : rnd.nextLong(0, 8);
                final AppendStatus status = head.append(s, ts, bits);
                final AppendStatus want = maxTs - ts > OPTIONS.outOfOrderWindowMs() || ts <= flushedMaxTs
                    ? AppendStatus.TOO_OLD
                    : !model.containsKey(ts) ? AppendStatus.APPENDED
                    : model.get(ts) == bits ? AppendStatus.DUPLICATE : AppendStatus.CONFLICT;
                assertEquals(want, status, at + " ts=" + ts);
                if (status == AppendStatus.APPENDED) {
                    model.put(ts, bits);
                }
            } else if (op < 82 && maxTs != Long.MIN_VALUE) {
                final long lo = maxTs - rnd.nextLong(0, 600);
                final long hi = lo + rnd.nextLong(0, 200);
                final int removed = head.removeRange(CPU, lo, hi);
                assertEquals(model.subMap(lo, true, hi, true).size(), removed, at);
                model.subMap(lo, true, hi, true).clear();
            } else if (op < 87 && maxTs != Long.MIN_VALUE) {
                final long boundary = head.flushBoundaryMs();
                for (final Head.FlushableSeries f : head.flushable(boundary)) {
                    for (final HeadChunk c : f.chunks()) {
                        reader.reset(c.data(), "flush");
                        for (int i = 0; i < reader.count(); i++) {
                            model.remove(reader.timestampAt(i));
                            flushedMaxTs = Math.max(flushedMaxTs, reader.timestampAt(i));
                        }
                    }
                }
                head.dropBefore(boundary);
                assertEquals(flushedMaxTs, s.flushedMaxTimeMs(), at);
                if (s.removed()) {
                    // head GC: nothing of it was left in the head; the labels' next sample goes to a new series,
                    // which knows nothing of the flushed one (its samples are in a block)
                    assertTrue(model.isEmpty(), at + ": removed with samples left");
                    s = head.registry().getOrCreate(CPU, OPTIONS.maxSamplesPerChunk());
                    maxTs = Long.MIN_VALUE;
                    flushedMaxTs = Long.MIN_VALUE;
                }
            } else if (op < 92) {
                final Head restored = new Head(OPTIONS, new HeadMetrics(new MetricsRegistry()));
                restored.restore(CPU, s.maxTimeMs(), s.flushedMaxTimeMs(), checkpoint(head, s));
                head = restored;
                s = head.registry().getOrCreate(CPU, OPTIONS.maxSamplesPerChunk());
            } else {
                final HeadChunk first = open(s);
                final HeadChunk again = open(s);
                assertSame(first, again, at);
                assertEquals(0, out.byteLength(), at + ": cache hit encodes nothing");
            }
            // chunks() settles late samples into their chunk; samples() and sampleCount() read them raw
            if (rnd.nextInt(3) == 0) {
                assertSelect(s, model, at);
            } else {
                assertSamples(s, model, at);
            }
        }
    }

    private HeadChunk[] checkpoint(final Head head, final MemSeries s) {
        final List<HeadChunk> all = new ArrayList<>(List.of(head.closedChunks(s)));
        final HeadChunk open = head.encodeOpen(s);
        if (open != null) {
            all.add(open);
        }
        return all.toArray(new HeadChunk[0]);
    }

    private void assertSamples(final MemSeries s, final TreeMap<Long, Long> model, final String at) {
        final SampleBuffer b = new SampleBuffer(16);
        s.samples(Long.MIN_VALUE, Long.MAX_VALUE, reader, b);
        final TreeMap<Long, Long> got = new TreeMap<>();
        for (int i = 0; i < b.size(); i++) {
            assertTrue(i == 0 || b.timestampAt(i) > b.timestampAt(i - 1), at + " in order");
            got.put(b.timestampAt(i), b.valueBitsAt(i));
        }
        assertEquals(model, got, at);
        assertEquals(model.size(), s.sampleCount(), at);
        if (!model.isEmpty()) {
            assertTrue(s.overlaps(model.firstKey(), model.firstKey()), at);
            assertTrue(s.overlaps(model.lastKey(), model.lastKey()), at);
        }
    }

    /** Every chunk a select returns, decoded, equals the model; the open chunk's header fields match its bytes. */
    private void assertSelect(final MemSeries s, final TreeMap<Long, Long> model, final String at) {
        final HeadChunk open = open(s);
        final List<HeadChunk> all = new ArrayList<>(closed);
        if (open != null) {
            all.add(open);
        }
        final TreeMap<Long, Long> got = new TreeMap<>();
        for (final HeadChunk c : all) {
            reader.reset(c.data(), "select");
            assertEquals(c.count(), reader.count(), at);
            assertEquals(c.minTimeMs(), reader.timestampAt(0), at);
            assertEquals(c.maxTimeMs(), reader.timestampAt(reader.count() - 1), at);
            assertEquals(Math.floorDiv(c.minTimeMs(), OPTIONS.blockDurationMs()),
                Math.floorDiv(c.maxTimeMs(), OPTIONS.blockDurationMs()), at + ": a chunk spans a block boundary");
            for (int i = 0; i < reader.count(); i++) {
                assertTrue(got.put(reader.timestampAt(i), reader.valueBitsAt(i)) == null, at + " twice");
            }
        }
        assertEquals(model, got, at);
        if (open != null) {
            // the cached chunk is byte-identical to a fresh encode of the same samples
            final BitWriter fresh = new BitWriter(64);
            final long[] ts = new long[open.count()];
            final long[] bits = new long[open.count()];
            int i = 0;
            for (final Map.Entry<Long, Long> e : got.tailMap(open.minTimeMs(), true).entrySet()) {
                if (i < ts.length) {
                    ts[i] = e.getKey();
                    bits[i++] = e.getValue();
                }
            }
            new ChunkWriter(ChunkDescriptor.MAX_SAMPLES).encode(ts, bits, i, fresh);
            assertNotNull(open.data());
            assertArrayEquals(fresh.toByteArray(), open.data(), at);
        }
    }
}
