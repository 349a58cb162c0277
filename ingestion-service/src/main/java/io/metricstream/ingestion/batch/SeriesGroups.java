package io.metricstream.ingestion.batch;

import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.record.RecordBatchDescriptor;
import io.metricstream.contracts.record.RecordBatchWriter;
import io.metricstream.ingestion.format.StagedSamples;
import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The samples of one open partition batch, grouped by series: each distinct series key is copied once, and its
 * samples are chained in arrival order, so the batch is written as one record per series (key once,
 * {@code SampleRecordCodec} value of all its samples, timestamps in the order they arrived) whatever the
 * requests they came in. This is what cuts the queue's bytes per sample when requests interleave series (Influx
 * bodies of many series × one sample each, tiny requests of one sample each).
 *
 * <p>Samples are stored as the record value's bytes (big-endian int64 ts, int64 bits: {@code SampleRecordCodec})
 * in one array, in segments: a series' run of consecutive samples is one segment, and a series' segments are
 * chained in arrival order. Adding a run ({@link #addRun}) copies its pairs once and links one segment; writing a
 * record is one bulk write per segment (typically one per series and request). A sample added right after the
 * same series' previous one extends that segment.
 *
 * <p>Storage is arrays reused from batch to batch (the batcher keeps a pool), grown by doubling: after warm-up
 * adding samples allocates nothing. Series are found by an open-addressing table of series indexes keyed by
 * {@link SeriesKeyCodec#hash}; a hit compares the key bytes.
 *
 * <p>Thread ownership: the batcher thread only.
 */
final class SeriesGroups {
    /** Record framing before the key: length, offset delta, timestamp, key length; then the value length. */
    static final int RECORD_OVERHEAD = RecordBatchDescriptor.MIN_RECORD_LENGTH;
    private static final int SAMPLE_BYTES = StagedSamples.SAMPLE_PAIR_BYTES;
    // big-endian, as ByteBuf.writeLong writes the SampleRecordCodec value
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private byte[] keys = new byte[4096];
    private int keyBytes;
    private int[] seriesKeyAt = new int[256];
    private int[] seriesKeyLength = new int[256];
    private long[] seriesHash = new long[256];
    // first and last segment of each series
    private int[] seriesHead = new int[256];
    private int[] seriesTail = new int[256];
    private int seriesCount;
    private int[] table = new int[512];
    // SAMPLE_BYTES per sample, as the record value holds them
    private byte[] pairs = new byte[16 * 1024];
    private int sampleCount;
    // segment: samples [segmentFrom, segmentFrom + segmentCount) of pairs, then segmentNext (-1 = none)
    private int[] segmentFrom = new int[256];
    private int[] segmentCount = new int[256];
    private int[] segmentNext = new int[256];
    private int segments;

    /** Samples added since the last {@link #clear}. */
    int sampleCount() {
        return sampleCount;
    }

    /** Distinct series (records to write). */
    int seriesCount() {
        return seriesCount;
    }

    /** Exact bytes the records will take in the batch (without the batch header). */
    int recordBytes() {
        return seriesCount * RECORD_OVERHEAD + keyBytes + sampleCount * SAMPLE_BYTES;
    }

    /**
     * The series index of the key at {@code [at, at + length)} of {@code src}, added (key copied) when new;
     * {@code hash} is the key's {@link SeriesKeyCodec#hash}, computed once at parse time and carried here.
     */
    int series(final ByteBuf src, final int at, final int length, final long hash) {
        final int mask = table.length - 1;
        int slot = (int) (hash ^ hash >>> 32) & mask;
        while (true) {
            final int s = table[slot] - 1;
            if (s < 0) {
                break;
            }
            if (seriesHash[s] == hash && sameKey(s, src, at, length)) {
                return s;
            }
            slot = slot + 1 & mask;
        }
        final int s = seriesCount++;
        ensureSeries(seriesCount);
        ensureKeys(keyBytes + length);
        src.getBytes(at, keys, keyBytes, length);
        seriesKeyAt[s] = keyBytes;
        seriesKeyLength[s] = length;
        seriesHash[s] = hash;
        seriesHead[s] = -1;
        seriesTail[s] = -1;
        keyBytes += length;
        table[slot] = s + 1;
        if (seriesCount * 2 > table.length) {
            rehash(table.length * 2);
        }
        return s;
    }

    /** Appends a sample to series {@code s} (after its earlier samples). */
    void add(final int s, final long timestampMs, final long valueBits) {
        final int i = sampleCount;
        ensurePairs(i + 1);
        LONG_BE.set(pairs, i * SAMPLE_BYTES, timestampMs);
        LONG_BE.set(pairs, i * SAMPLE_BYTES + Long.BYTES, valueBits);
        sampleCount = i + 1;
        link(s, i, 1);
    }

    /**
     * Appends samples {@code [from, from + count)} of {@code staged} to series {@code s} (after its earlier
     * samples): one copy of their (ts, bits) pairs, already in the record value's layout, and one segment.
     */
    void addRun(final int s, final StagedSamples staged, final int from, final int count) {
        final int first = sampleCount;
        ensurePairs(first + count);
        staged.copySamplePairs(from, count, pairs, first * SAMPLE_BYTES);
        sampleCount = first + count;
        link(s, first, count);
    }

    /** Chains samples {@code [first, first + count)} (just stored) to series {@code s}. */
    private void link(final int s, final int first, final int count) {
        final int tail = seriesTail[s];
        if (tail >= 0 && segmentFrom[tail] + segmentCount[tail] == first) {
            // the series' previous samples end right here: extend their segment
            segmentCount[tail] += count;
            return;
        }
        final int g = segments++;
        if (g == segmentFrom.length) {
            final int n = g * 2;
            segmentFrom = Arrays.copyOf(segmentFrom, n);
            segmentCount = Arrays.copyOf(segmentCount, n);
            segmentNext = Arrays.copyOf(segmentNext, n);
        }
        segmentFrom[g] = first;
        segmentCount[g] = count;
        segmentNext[g] = -1;
        if (tail < 0) {
            seriesHead[s] = g;
        } else {
            segmentNext[tail] = g;
        }
        seriesTail[s] = g;
    }

    private void ensurePairs(final int samples) {
        if (samples * SAMPLE_BYTES > pairs.length) {
            pairs = Arrays.copyOf(pairs, Math.max(samples * SAMPLE_BYTES, pairs.length * 2));
        }
    }

    /** Writes one record per series, in first-seen order, into the batch {@code writer} has begun in {@code out}. */
    void writeTo(final RecordBatchWriter writer, final ByteBuf out) {
        for (int s = 0; s < seriesCount; s++) {
            int g = seriesHead[s];
            writer.beginRecord((long) LONG_BE.get(pairs, segmentFrom[g] * SAMPLE_BYTES));
            out.writeBytes(keys, seriesKeyAt[s], seriesKeyLength[s]);
            writer.endKey();
            // the pairs are already the record value's bytes: one bulk write per segment
            while (g >= 0) {
                out.writeBytes(pairs, segmentFrom[g] * SAMPLE_BYTES, segmentCount[g] * SAMPLE_BYTES);
                g = segmentNext[g];
            }
            writer.endRecord();
        }
    }

    /** Empties the groups for the next batch (keeps the arrays). */
    void clear() {
        if (seriesCount * 8 >= table.length) {
            Arrays.fill(table, 0);
        } else {
            // few series in a large table (grown by an earlier batch): clear only their slots
            final int mask = table.length - 1;
            for (int s = 0; s < seriesCount; s++) {
                final long h = seriesHash[s];
                int slot = (int) (h ^ h >>> 32) & mask;
                while (table[slot] != s + 1) {
                    slot = slot + 1 & mask;
                }
                table[slot] = 0;
            }
        }
        seriesCount = 0;
        sampleCount = 0;
        segments = 0;
        keyBytes = 0;
    }

    private boolean sameKey(final int s, final ByteBuf src, final int at, final int length) {
        if (seriesKeyLength[s] != length) {
            return false;
        }
        final int from = seriesKeyAt[s];
        if (src.hasArray()) {
            final int a = src.arrayOffset() + at;
            return Arrays.equals(keys, from, from + length, src.array(), a, a + length);
        }
        for (int k = 0; k < length; k++) {
            if (keys[from + k] != src.getByte(at + k)) {
                return false;
            }
        }
        return true;
    }

    private void ensureSeries(final int n) {
        if (n > seriesKeyAt.length) {
            final int c = seriesKeyAt.length * 2;
            seriesKeyAt = Arrays.copyOf(seriesKeyAt, c);
            seriesKeyLength = Arrays.copyOf(seriesKeyLength, c);
            seriesHash = Arrays.copyOf(seriesHash, c);
            seriesHead = Arrays.copyOf(seriesHead, c);
            seriesTail = Arrays.copyOf(seriesTail, c);
        }
    }

    private void ensureKeys(final int n) {
        if (n > keys.length) {
            keys = Arrays.copyOf(keys, Math.max(n, keys.length * 2));
        }
    }

    private void rehash(final int size) {
        table = new int[size];
        final int mask = size - 1;
        for (int s = 0; s < seriesCount; s++) {
            final long h = seriesHash[s];
            int slot = (int) (h ^ h >>> 32) & mask;
            while (table[slot] != 0) {
                slot = slot + 1 & mask;
            }
            table[slot] = s + 1;
        }
    }
}
