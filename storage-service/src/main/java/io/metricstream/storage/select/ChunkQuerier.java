package io.metricstream.storage.select;

import io.metricstream.contracts.chunk.BitWriter;
import io.metricstream.contracts.chunk.ChunkDescriptor;
import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.contracts.chunk.ChunkWriter;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.storage.block.Block;
import io.metricstream.storage.chunk.SampleBuffer;
import io.metricstream.storage.db.TimeSeriesDb;
import io.metricstream.storage.head.HeadChunk;
import io.metricstream.storage.index.SeriesEntry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Answers SELECT_CHUNKS: the same series and samples as {@link Querier#select}, but as encoded chunks. Block chunks
 * are handed out as stored (a window of the memory-mapped chunk segment, CRC checked, not decoded), closed head
 * chunks as stored, the open head chunk as its series caches it (encoded by the first select after it changes).
 * Chunks wholly outside the range are skipped; chunks straddling it are sent whole (the client trims), except one
 * straddling both ends with no sample inside, which is dropped. A chunk a tombstone of its series overlaps is
 * decoded, filtered and re-encoded. When chunks of a series overlap in time (out-of-order data in the head over a
 * block, overlapping blocks) the series is merged exactly as SELECT merges it (the older source wins on equal
 * timestamps) and re-encoded, so SeriesChunks.decode always equals SELECT. Not thread-safe (scratch buffers): one
 * per query thread.
 */
public final class ChunkQuerier {
    /** Samples per chunk when a series is re-encoded from a merge. */
    static final int MERGED_CHUNK_SAMPLES = 1024;

    private final TimeSeriesDb db;
    private final Querier querier;
    private final ChunkReader reader = new ChunkReader();
    private final ChunkWriter writer = new ChunkWriter(ChunkDescriptor.MAX_SAMPLES);
    private final BitWriter bits = new BitWriter(4096);
    private final SampleBuffer merged = new SampleBuffer(1024);
    private final SampleBuffer part = new SampleBuffer(1024);
    private final List<HeadChunk> headChunks = new ArrayList<>();
    private final ChunkList chunks = new ChunkList();
    private long chunksCopied;
    private long chunksEncoded;

    /** A querier over {@code db}. */
    public ChunkQuerier(final TimeSeriesDb db) {
        this(db, new Querier(db));
    }

    /** A querier over {@code db} listing and reading series through {@code querier} (of the same thread). */
    ChunkQuerier(final TimeSeriesDb db, final Querier querier) {
        this.db = db;
        this.querier = querier;
    }

    /** Receives one series with its chunks (valid during the call only). */
    @FunctionalInterface
    public interface ChunkVisitor {
        /** One series; {@code chunks} is non-empty and ordered by min time. */
        void series(LabelSet labels, ChunkList chunks);
    }

    /** Chunks sent as stored so far. */
    public long chunksCopied() {
        return chunksCopied;
    }

    /** Chunks encoded or re-encoded so far (uncached open head chunks, tombstoned chunks, merged series). */
    public long chunksEncoded() {
        return chunksEncoded;
    }

    /** Streams every matching series with samples in [minT, maxT], in label order; returns the series count. */
    public int select(final List<LabelMatcher> matchers, final long minT, final long maxT, final int maxSeries,
                      final ChunkVisitor visitor) throws Querier.TooManySeriesException {
        chunks.restart();
        final long reading = db.head().readers().enter();
        try {
            final TreeMap<LabelSet, List<Querier.Source>> all = querier.sources(matchers, minT, maxT);
            if (maxSeries > 0 && all.size() > maxSeries) {
                throw new Querier.TooManySeriesException(all.size(), maxSeries);
            }
            int count = 0;
            for (final Map.Entry<LabelSet, List<Querier.Source>> e : all.entrySet()) {
                chunks.clear();
                final long[] tomb = db.tombstones().intervals(e.getKey());
                for (final Querier.Source s : e.getValue()) {
                    collect(s, minT, maxT, tomb);
                }
                chunks.sortByMinTime();
                if (chunks.overlapping()) {
                    remerge(e.getKey(), e.getValue(), minT, maxT);
                }
                if (chunks.size() > 0) {
                    visitor.series(e.getKey(), chunks);
                    count++;
                }
            }
            // the answer is streamed: a truncation that overtook this read fails it rather than leave it partial
            db.head().readers().checkNotOvertaken(reading);
            return count;
        } finally {
            db.head().readers().exit(reading);
        }
    }

    /** Drops the references the last select left in the scratch (chunk buffers), so a reused querier pins none. */
    void forget() {
        chunks.clear();
        headChunks.clear();
    }

    private void collect(final Querier.Source s, final long minT, final long maxT, final long[] tomb) {
        if (s.head() != null) {
            headChunks.clear();
            bits.reset();
            final HeadChunk open = s.head().chunks(minT, maxT, headChunks, writer, bits);
            for (final HeadChunk c : headChunks) {
                add(c, minT, maxT, tomb, false);
            }
            if (open != null) {
                // the series writes into bits only when it had to encode its open chunk (no cached one)
                add(open, minT, maxT, tomb, bits.byteLength() > 0);
            }
            return;
        }
        final SeriesEntry entry = s.entry();
        final Block block = s.block();
        for (int i = 0; i < entry.chunkRefs().length; i++) {
            final long cMin = entry.chunkMinTimes()[i];
            final long cMax = entry.chunkMaxTimes()[i];
            if (cMax < minT || cMin > maxT) {
                continue;
            }
            final int at = block.chunkAt(entry, i);
            final ByteBuffer segment = block.chunkSegment(entry, i);
            final int length = Block.chunkLength(segment, at);
            if (touches(tomb, cMin, cMax) || cMin < minT && cMax > maxT) {
                reader.reset(segment, at, length, block.chunkSource(entry, i), at);
                filtered(minT, maxT, tomb);
            } else {
                chunks.add(cMin, cMax, segment, at, length);
                chunksCopied++;
            }
        }
    }

    private void add(final HeadChunk c, final long minT, final long maxT, final long[] tomb, final boolean encoded) {
        if (touches(tomb, c.minTimeMs(), c.maxTimeMs()) || c.minTimeMs() < minT && c.maxTimeMs() > maxT) {
            reader.reset(c.data(), "head");
            filtered(minT, maxT, tomb);
            return;
        }
        chunks.add(c.minTimeMs(), c.maxTimeMs(), c.data());
        if (encoded) {
            chunksEncoded++;
        } else {
            chunksCopied++;
        }
    }

    /** The chunk in {@link #reader} without tombstoned samples, dropped when nothing of it is left in range. */
    private void filtered(final long minT, final long maxT, final long[] tomb) {
        part.clear();
        boolean inRange = false;
        for (int j = 0; j < reader.count(); j++) {
            final long t = reader.timestampAt(j);
            if (!deleted(tomb, t)) {
                part.add(t, reader.valueBitsAt(j));
                inRange |= t >= minT && t <= maxT;
            }
        }
        if (inRange) {
            encode(part, 0, part.size());
        }
    }

    private void encode(final SampleBuffer samples, final int from, final int n) {
        bits.reset();
        final long[] ts = from == 0 ? samples.timestamps() : Arrays.copyOfRange(samples.timestamps(), from, from + n);
        final long[] vs = from == 0 ? samples.valueBits() : Arrays.copyOfRange(samples.valueBits(), from, from + n);
        writer.encode(ts, vs, n, bits);
        chunks.add(ts[0], ts[n - 1], bits.toByteArray());
        chunksEncoded++;
    }

    private void remerge(final LabelSet labels, final List<Querier.Source> sources, final long minT,
                         final long maxT) {
        merged.clear();
        for (final Querier.Source s : sources) {
            part.clear();
            querier.read(s, minT, maxT, part);
            part.sortAndDedupe();
            merged.mergeFrom(part);
        }
        db.tombstones().apply(labels, merged);
        chunks.clear();
        for (int from = 0; from < merged.size(); from += MERGED_CHUNK_SAMPLES) {
            encode(merged, from, Math.min(MERGED_CHUNK_SAMPLES, merged.size() - from));
        }
    }

    private static boolean touches(final long[] tomb, final long minT, final long maxT) {
        for (int i = 0; tomb != null && i < tomb.length; i += 2) {
            if (tomb[i] <= maxT && tomb[i + 1] >= minT) {
                return true;
            }
        }
        return false;
    }

    private static boolean deleted(final long[] tomb, final long t) {
        for (int i = 0; tomb != null && i < tomb.length; i += 2) {
            if (t >= tomb[i] && t <= tomb[i + 1]) {
                return true;
            }
        }
        return false;
    }

    /**
     * The chunks of one series: min/max time and a window of a buffer (a mapped chunk segment or a heap array).
     * Reused per series; not thread-safe.
     */
    public static final class ChunkList {
        /**
         * Small, so that a series of a few chunks already grows it (once per doubling, per select): with 16, the
         * warm-up's series (about ten chunks) never grew it, C2 compiled {@link #add} with its grow branch as an
         * uncommon trap, and the first select of a day of data (24+ chunks a series) deoptimized it (session 8 JIT
         * logs of loadgen/bench/cold.sh: Q1, unstable_if at the size check).
         */
        public static final int INITIAL_CAPACITY = 4;
        private long[] minTimes;
        private long[] maxTimes;
        private ByteBuffer[] buffers;
        private int[] offsets;
        private int[] lengths;
        private int size;

        ChunkList() {
            restart();
        }

        void clear() {
            Arrays.fill(buffers, 0, size, null);
            size = 0;
        }

        /**
         * Empties the list back to {@link #INITIAL_CAPACITY}, once per select, so that every select grows it again
         * (five arrays of a few dozen entries for a day of data). A list kept grown by a reused querier
         * ({@link ThreadQueriers}) grew only in each thread's first warm-up select, before {@link #add} was
         * profiled: its C2 code had the grow branch as an uncommon trap, and the first select of a day of data on
         * each thread deoptimized it (session 13 JIT logs of loadgen/bench/cold.sh: Q1, unstable_if at the size
         * check in 9/9 cycles; none in 9 with this restart).
         */
        void restart() {
            size = 0;
            minTimes = new long[INITIAL_CAPACITY];
            maxTimes = new long[INITIAL_CAPACITY];
            buffers = new ByteBuffer[INITIAL_CAPACITY];
            offsets = new int[INITIAL_CAPACITY];
            lengths = new int[INITIAL_CAPACITY];
        }

        /** Chunks the list holds before it grows (for tests). */
        int capacity() {
            return minTimes.length;
        }

        void add(final long minTimeMs, final long maxTimeMs, final byte[] chunk) {
            add(minTimeMs, maxTimeMs, ByteBuffer.wrap(chunk), 0, chunk.length);
        }

        void add(final long minTimeMs, final long maxTimeMs, final ByteBuffer buffer, final int at,
                 final int length) {
            if (size == minTimes.length) {
                final int n = size * 2;
                minTimes = Arrays.copyOf(minTimes, n);
                maxTimes = Arrays.copyOf(maxTimes, n);
                buffers = Arrays.copyOf(buffers, n);
                offsets = Arrays.copyOf(offsets, n);
                lengths = Arrays.copyOf(lengths, n);
            }
            minTimes[size] = minTimeMs;
            maxTimes[size] = maxTimeMs;
            buffers[size] = buffer;
            offsets[size] = at;
            lengths[size] = length;
            size++;
        }

        /** Stable insertion sort by min time (chunks mostly arrive sorted: one source after the other). */
        void sortByMinTime() {
            for (int i = 1; i < size; i++) {
                int j = i;
                while (j > 0 && minTimes[j - 1] > minTimes[j]) {
                    swap(j - 1, j);
                    j--;
                }
            }
        }

        /** Whether any chunk starts at or before the end of an earlier one (after sorting). */
        boolean overlapping() {
            for (int i = 1; i < size; i++) {
                if (minTimes[i] <= maxTimes[i - 1]) {
                    return true;
                }
            }
            return false;
        }

        private void swap(final int a, final int b) {
            final long mn = minTimes[a];
            minTimes[a] = minTimes[b];
            minTimes[b] = mn;
            final long mx = maxTimes[a];
            maxTimes[a] = maxTimes[b];
            maxTimes[b] = mx;
            final ByteBuffer buf = buffers[a];
            buffers[a] = buffers[b];
            buffers[b] = buf;
            final int at = offsets[a];
            offsets[a] = offsets[b];
            offsets[b] = at;
            final int len = lengths[a];
            lengths[a] = lengths[b];
            lengths[b] = len;
        }

        /** Chunks held. */
        public int size() {
            return size;
        }

        /** First timestamp of chunk {@code i}. */
        public long minTimeAt(final int i) {
            return minTimes[i];
        }

        /** Last timestamp of chunk {@code i}. */
        public long maxTimeAt(final int i) {
            return maxTimes[i];
        }

        /** Buffer holding chunk {@code i} (absolute reads only). */
        public ByteBuffer bufferAt(final int i) {
            return buffers[i];
        }

        /** Offset of chunk {@code i} in its buffer. */
        public int offsetAt(final int i) {
            return offsets[i];
        }

        /** Bytes of chunk {@code i}. */
        public int lengthAt(final int i) {
            return lengths[i];
        }
    }
}
