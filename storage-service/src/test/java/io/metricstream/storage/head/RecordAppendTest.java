package io.metricstream.storage.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.chunk.BitWriter;
import io.metricstream.contracts.chunk.ChunkDescriptor;
import io.metricstream.contracts.chunk.ChunkWriter;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.SampleRecordCodec;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.model.StaleMarker;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.testsupport.Seeds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A record appended whole ({@link Head#appendRecord}, whose in-order records skip the per-sample path, inside and
 * outside {@link Head#beginBatch} batches) leaves the head exactly as its samples appended one at a time do: the
 * same chunk bytes, counts and newest time.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RecordAppendTest {
    // small chunks and block windows, so records meet full chunks, cuts and window ends often
    private static final HeadOptions OPTIONS = new HeadOptions(12, 1_000L, 300L, 100, 8, 64);

    @Test
    void shouldLeaveTheHeadAsPerSampleAppendsDoForRandomRecords() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 20; round++) {
            compareOneRun(rnd, "seed " + seed + " round " + round);
        }
    }

    private static void compareOneRun(final SplittableRandom rnd, final String what) {
        final HeadMetrics recordMetrics = new HeadMetrics(new MetricsRegistry());
        final HeadMetrics sampleMetrics = new HeadMetrics(new MetricsRegistry());
        final Head byRecord = new Head(OPTIONS, recordMetrics);
        final Head bySample = new Head(OPTIONS, sampleMetrics);
        final LabelSet[] series = new LabelSet[5];
        final long[] newest = new long[series.length];
        for (int s = 0; s < series.length; s++) {
            series[s] = LabelSet.of("__name__", "m", "host", "h" + s);
            newest[s] = rnd.nextLong(-5_000, 5_000);
        }
        final ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(1024);
        try {
            boolean batching = false;
            for (int r = 0; r < 600; r++) {
                if (rnd.nextInt(8) == 0) {
                    if (batching) {
                        byRecord.endBatch();
                    } else {
                        byRecord.beginBatch();
                    }
                    batching = !batching;
                }
                final int s = rnd.nextInt(series.length);
                buf.clear();
                final int keyLength = SeriesKeyCodec.encode(series[s], buf);
                final int samples = 1 + rnd.nextInt(6);
                for (int i = 0; i < samples; i++) {
                    final long ts = nextTimestamp(rnd, newest, s);
                    final long bits = nextBits(rnd);
                    buf.writeLong(ts).writeLong(bits);
                    bySample.append(bySample.registry().getOrCreate(series[s], OPTIONS.maxSamplesPerChunk()), ts,
                        bits);
                }
                byRecord.appendRecord(buf, 0, keyLength, keyLength, samples * SampleRecordCodec.SAMPLE_LENGTH);
            }
            if (batching) {
                byRecord.endBatch();
            }
        } finally {
            buf.release();
        }
        assertEquals(sampleMetrics.appended(), recordMetrics.appended(), what + ": appended");
        assertTrue(recordMetrics.appended() > 0, what + ": something appended");
        assertEquals(sampleMetrics.duplicates(), recordMetrics.duplicates(), what + ": duplicates");
        assertEquals(sampleMetrics.conflicts(), recordMetrics.conflicts(), what + ": conflicts");
        assertEquals(sampleMetrics.tooOld(), recordMetrics.tooOld(), what + ": too old");
        assertEquals(bySample.maxTimeMs(), byRecord.maxTimeMs(), what + ": head max time");
        for (final LabelSet labels : series) {
            assertSameSeries(bySample.registry().getOrCreate(labels, OPTIONS.maxSamplesPerChunk()),
                byRecord.registry().getOrCreate(labels, OPTIONS.maxSamplesPerChunk()), what + " " + labels);
        }
    }

    /** Mostly the next scrape (so most records are in order), sometimes a repeat, a step back or a jump. */
    private static long nextTimestamp(final SplittableRandom rnd, final long[] newest, final int s) {
        final int kind = rnd.nextInt(20);
        if (kind == 0) {
            return newest[s];
        }
        if (kind == 1) {
            return newest[s] - rnd.nextLong(1, 500);
        }
        newest[s] += kind == 2 ? rnd.nextLong(500, 3_000) : rnd.nextLong(1, 60);
        return newest[s];
    }

    /** Value bits: integers, decimals, stale markers, NaNs with payloads, anything. */
    private static long nextBits(final SplittableRandom rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> Double.doubleToRawLongBits(rnd.nextInt(100));
            case 1 -> Double.doubleToRawLongBits(rnd.nextInt(10_000) / 100.0);
            case 2 -> StaleMarker.BITS;
            case 3 -> 0x7ff8_0000_0000_0000L | rnd.nextLong(1L << 51);
            case 4 -> rnd.nextInt(2) == 0 ? 0L : Long.MIN_VALUE;
            default -> rnd.nextLong();
        };
    }

    private static void assertSameSeries(final MemSeries want, final MemSeries got, final String what) {
        assertEquals(want.maxTimeMs(), got.maxTimeMs(), what + ": max time");
        final List<HeadChunk> wantClosed = new ArrayList<>();
        final List<HeadChunk> gotClosed = new ArrayList<>();
        final HeadChunk wantOpen = want.chunks(Long.MIN_VALUE, Long.MAX_VALUE, wantClosed,
            new ChunkWriter(ChunkDescriptor.MAX_SAMPLES), new BitWriter(64));
        final HeadChunk gotOpen = got.chunks(Long.MIN_VALUE, Long.MAX_VALUE, gotClosed,
            new ChunkWriter(ChunkDescriptor.MAX_SAMPLES), new BitWriter(64));
        assertEquals(wantClosed.size(), gotClosed.size(), what + ": closed chunks");
        for (int i = 0; i < wantClosed.size(); i++) {
            assertSameChunk(wantClosed.get(i), gotClosed.get(i), what + " chunk " + i);
        }
        if (wantOpen == null) {
            assertNull(gotOpen, what + ": open chunk");
        } else {
            assertSameChunk(wantOpen, gotOpen, what + " open chunk");
        }
    }

    private static void assertSameChunk(final HeadChunk want, final HeadChunk got, final String what) {
        assertEquals(want.minTimeMs(), got.minTimeMs(), what + ": min time");
        assertEquals(want.maxTimeMs(), got.maxTimeMs(), what + ": max time");
        assertEquals(want.count(), got.count(), what + ": count");
        assertArrayEquals(want.data(), got.data(), what + ": bytes");
    }
}
