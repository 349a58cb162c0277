package io.metricstream.storage.select;

import io.metricstream.contracts.chunk.BitWriter;
import io.metricstream.contracts.chunk.ChunkDescriptor;
import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.contracts.chunk.ChunkWriter;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.StaleMarker;
import io.metricstream.contracts.storage.WindowFunction;
import io.metricstream.contracts.storage.WindowRequest;
import io.metricstream.storage.block.Block;
import io.metricstream.storage.block.RollupWindows;
import io.metricstream.storage.block.RollupWriter;
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
 * Answers SELECT_WINDOWS: {@code <fn>_over_time} over each window {@code [end_i - rangeMs, end_i]} of each matching
 * series, stale markers excluded. A window is walked left to right: a 1 h rollup bucket (then a 5 m one; a
 * resolution only when {@code rangeMs} is at least {@link #MIN_BUCKETS_PER_WINDOW} buckets) that lies
 * wholly inside the window and wholly inside a rollup-eligible block is taken from the block's rollup file; the rest
 * of the window comes from raw samples. A block is rollup-eligible for a series when it has the rollup file, no
 * tombstone of the series touches it and no other source of the series (another block's chunks of it, its head
 * data) has a sample inside the block's time range, so a bucket inside the block holds every sample of the series
 * in its span. Windows served from raw samples only are computed with
 * {@link WindowFunction#over} (bit-identical to the query's own evaluation); windows using buckets combine pieces
 * in time order (MIN, MAX, COUNT, LAST exact; SUM, AVG = sum / count equal up to summation order). Raw samples
 * are read only for the spans some window needs them for. A series no rollup serves, without tombstones, whose
 * sources do not overlap in time and whose windows neither overlap nor are shorter than its chunks (the query's
 * {@code max_over_time(x[1d])} instant, {@code [1h]} at a 1 h step) is folded straight from its chunks instead,
 * block and head chunks alike (the open head chunk as its series caches it): chunks wholly inside a window without
 * decoding their timestamps (see {@link #evaluateDirect}). Not thread-safe
 * (scratch): one per query thread.
 */
public final class WindowQuerier {
    /** Rollup resolutions, coarsest first (the walk prefers the larger bucket). */
    private static final long[] RES = {RollupWriter.RES_1H, RollupWriter.RES_5M};
    /**
     * A resolution is used only for windows at least this many buckets long: a window holding one bucket saves
     * little raw work and pays for the walk (StorageBench, 1,000 series, avg_over_time[10m] at a 60 s step with
     * 5 m buckets: 476 ms against 214 ms from raw samples).
     */
    private static final long MIN_BUCKETS_PER_WINDOW = 3;
    /** Raw AVG windows computed together (see {@link #meansOfLanes}). */
    private static final int LANES = 4;

    private final TimeSeriesDb db;
    private final Querier querier;
    private final ChunkReader reader = new ChunkReader();
    private final ChunkReader[] columns = {new ChunkReader(), new ChunkReader(), new ChunkReader(),
        new ChunkReader(), new ChunkReader()};
    private final SampleBuffer merged = new SampleBuffer(1024);
    private final SampleBuffer part = new SampleBuffer(1024);
    private final RollupWindows[] buckets = {new RollupWindows(), new RollupWindows()};
    // per resolution: bucket-start ranges [lo, hi] served from rollups (sorted, disjoint)
    private final long[][] coverLo = {new long[8], new long[8]};
    private final long[][] coverHi = {new long[8], new long[8]};
    private final Querier.Source[][] coverSource = {new Querier.Source[8], new Querier.Source[8]};
    private final int[] coverCount = new int[2];
    private final boolean[] bucketsUsed = new boolean[2];
    // raw spans some window needs, sorted and merged after planning
    private long[] spanLo = new long[64];
    private long[] spanHi = new long[64];
    private int spanCount;
    // the series' non-stale raw samples inside the spans
    private long[] ts = new long[1024];
    private double[] vs = new double[1024];
    private int sampleCount;
    private boolean[] served = new boolean[64];
    // raw AVG windows waiting to be computed together: their value slot and sample range
    private final int[] laneSlot = new int[LANES];
    private final int[] laneFrom = new int[LANES];
    private final int[] laneTo = new int[LANES];
    private int[] steps = new int[64];
    private double[] values = new double[64];
    // accumulator of one window
    private double accMin;
    private double accMax;
    private double accSum;
    private double accCount;
    private double accLast;
    private double accMean;
    // direct path: block sources in time order, a chunk cursor each, the head source (or null), scratch values
    // room for a day of 2 h blocks and more from the start: the warm-up's database has 3 sources per series, so a
    // growth here was first taken by a user's query over a day of fresh blocks and deoptimized directApplies (JFR)
    private Querier.Source[] ordered = new Querier.Source[32];
    private int[] cursor = new int[32];
    private int orderedCount;
    private Querier.Source headSource;
    // direct path: the head source's chunks overlapping the select (closed as stored, open as the series caches it)
    private final List<HeadChunk> headChunks = new ArrayList<>();
    private final ChunkWriter writer = new ChunkWriter(ChunkDescriptor.MAX_SAMPLES);
    private final BitWriter headOut = new BitWriter(1024);
    private ByteBuffer[] headBuffers = new ByteBuffer[4];
    private int headCursor;
    private final BlockChunk blockChunk = new BlockChunk();
    private final HeadBytes headBytes = new HeadBytes();
    private double[] inside = new double[256];
    private long bucketsRead;
    private long windowsFromRollups;
    private long seriesFromChunks;
    private long wholeChunksFolded;

    /** A querier over {@code db}. */
    public WindowQuerier(final TimeSeriesDb db) {
        this(db, new Querier(db));
    }

    /** A querier over {@code db} listing and reading series through {@code querier} (of the same thread). */
    WindowQuerier(final TimeSeriesDb db, final Querier querier) {
        this.db = db;
        this.querier = querier;
    }

    /** Receives one series' points: {@code steps[0..n)} ascending with {@code values[0..n)} (valid in the call). */
    @FunctionalInterface
    public interface WindowVisitor {
        /** One series with at least one point. */
        void series(LabelSet labels, int[] steps, double[] values, int n);
    }

    /** Rollup buckets used so far (a bucket used by several windows counts once per window). */
    public long bucketsRead() {
        return bucketsRead;
    }

    /** Series whose windows were folded straight from their chunks so far (see {@link #evaluateDirect}). */
    public long seriesFromChunks() {
        return seriesFromChunks;
    }

    /** Chunks wholly inside a window, folded without decoding their timestamps, so far. */
    public long wholeChunksFolded() {
        return wholeChunksFolded;
    }

    /** Windows that used at least one rollup bucket so far. */
    public long windowsFromRollups() {
        return windowsFromRollups;
    }

    /** Streams every matching series with at least one non-empty window, in label order; returns the count. */
    public int select(final WindowRequest q, final WindowVisitor visitor) throws Querier.TooManySeriesException {
        final long reading = db.head().readers().enter();
        try {
            final long lo = q.minTimeMs();
            final long hi = q.maxTimeMs();
            final TreeMap<LabelSet, List<Querier.Source>> all = querier.sources(q.matchers(), lo, hi);
            if (q.maxSeries() > 0 && all.size() > q.maxSeries()) {
                throw new Querier.TooManySeriesException(all.size(), q.maxSeries());
            }
            final int windows = q.stepMs() == 0 ? 1 : q.stepCount();
            if (served.length < windows) {
                served = new boolean[windows];
            }
            int count = 0;
            for (final Map.Entry<LabelSet, List<Querier.Source>> e : all.entrySet()) {
                final long[] tomb = db.tombstones().intervals(e.getKey());
                prepareRollups(e.getValue(), tomb, lo, hi, q.rangeMs());
                spanCount = 0;
                boolean anyServed = false;
                for (int i = 0; i < windows; i++) {
                    served[i] = walk(q.endMs(i) - q.rangeMs(), q.endMs(i), true);
                    anyServed |= served[i];
                }
                final int points;
                if (!anyServed && directApplies(e.getValue(), tomb, q, windows)) {
                    points = evaluateDirect(q, windows);
                    seriesFromChunks++;
                } else {
                    mergeSpans();
                    loadRollups();
                    readRaw(e.getKey(), e.getValue(), lo, hi);
                    points = evaluate(q, windows);
                }
                if (points > 0) {
                    visitor.series(e.getKey(), steps, values, points);
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

    /** Drops the references the last select left in the scratch (sources, blocks, head chunks). */
    void forget() {
        Arrays.fill(ordered, null);
        Arrays.fill(coverSource[0], null);
        Arrays.fill(coverSource[1], null);
        Arrays.fill(headBuffers, null);
        headSource = null;
        headChunks.clear();
        blockChunk.block = null;
        blockChunk.entry = null;
        headBytes.buf = null;
    }

    private int evaluate(final WindowRequest q, final int windows) {
        if (steps.length < q.stepCount()) {
            steps = new int[q.stepCount()];
            values = new double[q.stepCount()];
        }
        int points = 0;
        int lanes = 0;
        int from = 0;
        int to = 0;
        for (int i = 0; i < windows; i++) {
            final long a = q.endMs(i) - q.rangeMs();
            final long b = q.endMs(i);
            if (served[i]) {
                accCount = 0;
                walk(a, b, false);
                windowsFromRollups++;
                if (accCount > 0) {
                    steps[points] = i;
                    values[points++] = result(q.function());
                }
            } else {
                // window bounds only grow with i: advance two cursors instead of binary searching
                while (from < sampleCount && ts[from] < a) {
                    from++;
                }
                if (to < from) {
                    to = from;
                }
                while (to < sampleCount && ts[to] <= b) {
                    to++;
                }
                if (to > from) {
                    steps[points] = i;
                    if (q.function() == WindowFunction.AVG) {
                        // batched: four independent incremental means overlap their division latencies
                        laneSlot[lanes] = points++;
                        laneFrom[lanes] = from;
                        laneTo[lanes++] = to;
                        if (lanes == LANES) {
                            meansOfLanes(lanes);
                            lanes = 0;
                        }
                    } else {
                        values[points++] = q.function().over(vs, from, to);
                    }
                }
            }
        }
        meansOfLanes(lanes);
        return repeatInstant(q, points);
    }

    /** With {@code stepMs} 0 every window is the same one (PromQL's @): repeats its value; returns the points. */
    private int repeatInstant(final WindowRequest q, final int points) {
        if (q.stepMs() == 0 && points == 1) {
            // every window is the same one (PromQL's @): repeat its value
            for (int i = 1; i < q.stepCount(); i++) {
                steps[i] = i;
                values[i] = values[0];
            }
            return q.stepCount();
        }
        return points;
    }

    /**
     * Whether the series' windows can be folded straight from its chunks ({@link #evaluateDirect}): no window uses
     * a rollup bucket (checked by the caller), no tombstone of the series, windows that do not overlap (beyond a
     * shared end point) and are at least half as long as the series' average block chunk, block sources whose
     * chunks are disjoint in time and ordered, and head chunks (if any) disjoint, ordered and after every block
     * chunk. Then the samples of a window are the sources' samples in source order, with nothing to merge or
     * de-duplicate, and a chunk wholly inside a window, block or head, is aggregated without its timestamps. Fills
     * {@code ordered} and {@code headChunks} (one consistent view of the head series).
     */
    private boolean directApplies(final List<Querier.Source> sources, final long[] tomb, final WindowRequest q,
                                  final int windows) {
        if (tomb != null && tomb.length > 0 || windows > 1 && q.stepMs() < q.rangeMs()) {
            return false;
        }
        orderedCount = 0;
        headSource = null;
        for (final Querier.Source s : sources) {
            if (s.head() != null) {
                headSource = s;
                continue;
            }
            if (orderedCount == ordered.length) {
                ordered = Arrays.copyOf(ordered, orderedCount * 2);
                cursor = new int[ordered.length];
            }
            // insertion by first chunk time (a series is in a handful of blocks)
            int k = orderedCount++;
            final long first = s.entry().chunkMinTimes()[0];
            while (k > 0 && ordered[k - 1].entry().chunkMinTimes()[0] > first) {
                ordered[k] = ordered[k - 1];
                k--;
            }
            ordered[k] = s;
        }
        headChunks.clear();
        if (headSource != null) {
            final HeadChunk open = headSource.head()
                .chunks(q.minTimeMs(), q.maxTimeMs(), headChunks, writer, headOut);
            if (open != null) {
                headChunks.add(open);
            }
        }
        if (orderedCount == 0 && headChunks.isEmpty()) {
            return false;
        }
        long firstMin = Long.MAX_VALUE;
        long lastMax = Long.MIN_VALUE;
        int chunkCount = 0;
        for (int k = 0; k < orderedCount; k++) {
            final SeriesEntry e = ordered[k].entry();
            for (int c = 0; c < e.chunkMinTimes().length; c++) {
                if (e.chunkMinTimes()[c] <= lastMax || e.chunkMaxTimes()[c] < e.chunkMinTimes()[c]) {
                    return false;
                }
                firstMin = Math.min(firstMin, e.chunkMinTimes()[c]);
                lastMax = e.chunkMaxTimes()[c];
                chunkCount++;
            }
        }
        // head chunks may overlap one another (an out-of-order sample cut into a chunk of its own) and the blocks
        if (headBuffers.length < headChunks.size()) {
            headBuffers = new ByteBuffer[headChunks.size() * 2];
        }
        for (int c = 0; c < headChunks.size(); c++) {
            final HeadChunk h = headChunks.get(c);
            if (h.minTimeMs() <= lastMax || h.maxTimeMs() < h.minTimeMs()) {
                return false;
            }
            firstMin = Math.min(firstMin, h.minTimeMs());
            lastMax = h.maxTimeMs();
            chunkCount++;
            headBuffers[c] = ByteBuffer.wrap(h.data());
        }
        // windows much shorter than the series' average chunk would decode a chunk once per window it touches (a
        // [1m] window at a 60 s step would decode its hour-long chunk 60 times): the sample-array path reads each
        // chunk once. Half a chunk keeps the hour-aligned [1h] windows over hour-long chunks on this path.
        final double averageChunkMs = ((double) lastMax - firstMin) / chunkCount;
        return 2.0 * q.rangeMs() >= averageChunkMs;
    }

    /**
     * The windows of a series {@link #directApplies} to: each window folds, in time order, the block chunks wholly
     * inside it from partial decodes (COUNT from the header when the chunk cannot hold stale markers, MIN/MAX/LAST
     * from {@link ChunkReader#resetAggregate}, SUM/AVG over {@link ChunkReader#resetValues}), chunks it cuts from a
     * decode of their samples up to the window's end ({@link ChunkReader#resetUpTo}), then the head's chunks alike.
     * Every fold continues {@code WindowFunction.over}'s left-to-right loop over the same values in the same order,
     * so the result is bit-identical to it (MIN/MAX/LAST of a chunk combine exactly: NaN replaced by any later
     * value, of equal values the first kept; NaN payloads aside, which Java leaves unspecified).
     */
    private int evaluateDirect(final WindowRequest q, final int windows) {
        if (steps.length < q.stepCount()) {
            steps = new int[q.stepCount()];
            values = new double[q.stepCount()];
        }
        Arrays.fill(cursor, 0, orderedCount, 0);
        headCursor = 0;
        // one window loop per partial decode, each compiled from its own profile: one shared loop switching on the
        // function per chunk was compiled for the functions it had seen (query.sh's count_over_time probe after a
        // warm-up that left it at tier 2), and a first max_over_time then trapped in it (session 8 JIT logs:
        // foldWhole's switch, unstable_if) and ran interpreted; a trap here, once per series, costs a small method
        final int points = switch (q.function()) {
            case COUNT -> directCount(q, windows);
            case MIN, MAX, LAST -> directAggregate(q, windows);
            case SUM, AVG -> directValues(q, windows);
        };
        return repeatInstant(q, points);
    }

    /** COUNT of each window ({@link #evaluateDirect}): whole chunks from their headers. */
    private int directCount(final WindowRequest q, final int windows) {
        int points = 0;
        for (int i = 0; i < windows; i++) {
            final long a = q.endMs(i) - q.rangeMs();
            final long b = q.endMs(i);
            accCount = 0;
            for (int k = 0; k < orderedCount; k++) {
                final Querier.Source s = ordered[k];
                final SeriesEntry e = s.entry();
                final long[] mins = e.chunkMinTimes();
                final long[] maxs = e.chunkMaxTimes();
                for (int c = firstChunk(k, a); c < mins.length && mins[c] <= b; c++) {
                    if (a <= mins[c] && maxs[c] <= b) {
                        countWhole(blockChunk.of(s.block(), e, c));
                    } else {
                        countInside(a, b, s.block().readChunkUpTo(e, c, reader, b));
                    }
                }
            }
            for (int c = firstHeadChunk(a); c < headChunks.size() && headChunks.get(c).minTimeMs() <= b; c++) {
                final HeadChunk h = headChunks.get(c);
                if (a <= h.minTimeMs() && h.maxTimeMs() <= b) {
                    countWhole(headBytes.of(headBuffers[c], h.data().length));
                } else {
                    countInside(a, b, reader.resetUpTo(headBuffers[c], 0, h.data().length, "head", 0, b));
                }
            }
            if (accCount > 0) {
                steps[points] = i;
                values[points++] = accCount;
            }
        }
        return points;
    }

    /** MIN, MAX or LAST of each window ({@link #evaluateDirect}): whole chunks from their aggregates. */
    private int directAggregate(final WindowRequest q, final int windows) {
        final WindowFunction fn = q.function();
        int points = 0;
        for (int i = 0; i < windows; i++) {
            final long a = q.endMs(i) - q.rangeMs();
            final long b = q.endMs(i);
            accCount = 0;
            for (int k = 0; k < orderedCount; k++) {
                final Querier.Source s = ordered[k];
                final SeriesEntry e = s.entry();
                final long[] mins = e.chunkMinTimes();
                final long[] maxs = e.chunkMaxTimes();
                for (int c = firstChunk(k, a); c < mins.length && mins[c] <= b; c++) {
                    if (a <= mins[c] && maxs[c] <= b) {
                        wholeChunksFolded++;
                        foldAggregate(s.block().readChunkAggregate(e, c, reader));
                    } else {
                        foldInside(fn, a, b, s.block().readChunkUpTo(e, c, reader, b));
                    }
                }
            }
            for (int c = firstHeadChunk(a); c < headChunks.size() && headChunks.get(c).minTimeMs() <= b; c++) {
                final HeadChunk h = headChunks.get(c);
                if (a <= h.minTimeMs() && h.maxTimeMs() <= b) {
                    wholeChunksFolded++;
                    foldAggregate(reader.resetAggregate(headBuffers[c], 0, h.data().length, "head", 0));
                } else {
                    foldInside(fn, a, b, reader.resetUpTo(headBuffers[c], 0, h.data().length, "head", 0, b));
                }
            }
            if (accCount > 0) {
                steps[points] = i;
                values[points++] = fn == WindowFunction.MIN ? accMin : fn == WindowFunction.MAX ? accMax : accLast;
            }
        }
        return points;
    }

    /** SUM or AVG of each window ({@link #evaluateDirect}): whole chunks from their values. */
    private int directValues(final WindowRequest q, final int windows) {
        final WindowFunction fn = q.function();
        int points = 0;
        for (int i = 0; i < windows; i++) {
            final long a = q.endMs(i) - q.rangeMs();
            final long b = q.endMs(i);
            accCount = 0;
            accSum = 0;
            accMean = 0;
            for (int k = 0; k < orderedCount; k++) {
                final Querier.Source s = ordered[k];
                final SeriesEntry e = s.entry();
                final long[] mins = e.chunkMinTimes();
                final long[] maxs = e.chunkMaxTimes();
                for (int c = firstChunk(k, a); c < mins.length && mins[c] <= b; c++) {
                    if (a <= mins[c] && maxs[c] <= b) {
                        wholeChunksFolded++;
                        final ChunkReader r = s.block().readChunkValues(e, c, reader);
                        foldValues(fn, r.values(), r.valueCount());
                    } else {
                        foldInside(fn, a, b, s.block().readChunkUpTo(e, c, reader, b));
                    }
                }
            }
            for (int c = firstHeadChunk(a); c < headChunks.size() && headChunks.get(c).minTimeMs() <= b; c++) {
                final HeadChunk h = headChunks.get(c);
                if (a <= h.minTimeMs() && h.maxTimeMs() <= b) {
                    wholeChunksFolded++;
                    final ChunkReader r = reader.resetValues(headBuffers[c], 0, h.data().length, "head", 0);
                    foldValues(fn, r.values(), r.valueCount());
                } else {
                    foldInside(fn, a, b, reader.resetUpTo(headBuffers[c], 0, h.data().length, "head", 0, b));
                }
            }
            if (accCount > 0) {
                steps[points] = i;
                values[points++] = fn == WindowFunction.SUM ? accSum : accMean;
            }
        }
        return points;
    }

    /** The first chunk of ordered source {@code k} that may reach into a window from {@code a} (windows advance). */
    private int firstChunk(final int k, final long a) {
        final long[] maxs = ordered[k].entry().chunkMaxTimes();
        int c = cursor[k];
        while (c < maxs.length && maxs[c] < a) {
            c++;
        }
        cursor[k] = c;
        return c;
    }

    /** The first head chunk that may reach into a window from {@code a} (windows advance). */
    private int firstHeadChunk(final long a) {
        int c = headCursor;
        while (c < headChunks.size() && headChunks.get(c).maxTimeMs() < a) {
            c++;
        }
        headCursor = c;
        return c;
    }

    /** Counts a chunk wholly inside the window: from its header unless it may hold stale markers. */
    private void countWhole(final WholeChunk chunk) {
        wholeChunksFolded++;
        final ChunkReader r = chunk.header(reader);
        accCount += r.mayHoldStale() ? chunk.values(reader).valueCount() : r.count();
    }

    /** Counts the non-stale samples inside [a, b] of the decoded samples of {@code r}. */
    private void countInside(final long a, final long b, final ChunkReader r) {
        int w = 0;
        for (int j = 0; j < r.decodedCount(); j++) {
            final long t = r.timestampAt(j);
            w += t >= a && t <= b && r.valueBitsAt(j) != StaleMarker.BITS ? 1 : 0;
        }
        accCount += w;
    }

    /** A chunk wholly inside a window, read partially for COUNT ({@link #countWhole}). */
    private interface WholeChunk {
        ChunkReader header(ChunkReader r);

        ChunkReader values(ChunkReader r);
    }

    /** Chunk {@code c} of a block series (bounds and CRC checked by the block). Reused. */
    private static final class BlockChunk implements WholeChunk {
        private Block block;
        private SeriesEntry entry;
        private int c;

        BlockChunk of(final Block b, final SeriesEntry e, final int chunk) {
            block = b;
            entry = e;
            c = chunk;
            return this;
        }

        @Override
        public ChunkReader header(final ChunkReader r) {
            return block.readChunkHeader(entry, c, r);
        }

        @Override
        public ChunkReader values(final ChunkReader r) {
            return block.readChunkValues(entry, c, r);
        }
    }

    /** A head chunk's bytes. Reused. */
    private static final class HeadBytes implements WholeChunk {
        private ByteBuffer buf;
        private int length;

        HeadBytes of(final ByteBuffer b, final int bytes) {
            buf = b;
            length = bytes;
            return this;
        }

        @Override
        public ChunkReader header(final ChunkReader r) {
            return r.resetHeader(buf, 0, length, "head", 0);
        }

        @Override
        public ChunkReader values(final ChunkReader r) {
            return r.resetValues(buf, 0, length, "head", 0);
        }
    }

    /** Continues MIN/MAX/LAST with a chunk's aggregate ({@link ChunkReader#resetAggregate}). */
    private void foldAggregate(final ChunkReader r) {
        if (r.valueCount() == 0) {
            return;
        }
        if (accCount == 0) {
            accMin = r.aggregateMin();
            accMax = r.aggregateMax();
        } else {
            accMin = r.aggregateMin() < accMin || Double.isNaN(accMin) ? r.aggregateMin() : accMin;
            accMax = r.aggregateMax() > accMax || Double.isNaN(accMax) ? r.aggregateMax() : accMax;
        }
        accLast = r.aggregateLast();
        accCount += r.valueCount();
    }

    /** Folds the non-stale samples inside [a, b] of the decoded samples of {@code r}. */
    private void foldInside(final WindowFunction fn, final long a, final long b, final ChunkReader r) {
        final int n = r.decodedCount();
        if (inside.length < n) {
            inside = new double[n];
        }
        int w = 0;
        for (int j = 0; j < n; j++) {
            final long t = r.timestampAt(j);
            final long v = r.valueBitsAt(j);
            if (t >= a && t <= b && v != StaleMarker.BITS) {
                inside[w++] = Double.longBitsToDouble(v);
            }
        }
        foldValues(fn, inside, w);
    }

    /** Continues {@code fn}'s left-to-right fold ({@code WindowFunction.over}) over {@code v[0, n)}. */
    private void foldValues(final WindowFunction fn, final double[] v, final int n) {
        if (n == 0) {
            return;
        }
        int j = 0;
        switch (fn) {
            case MIN -> {
                if (accCount == 0) {
                    accMin = v[j++];
                }
                for (; j < n; j++) {
                    accMin = v[j] < accMin || Double.isNaN(accMin) ? v[j] : accMin;
                }
            }
            case MAX -> {
                if (accCount == 0) {
                    accMax = v[j++];
                }
                for (; j < n; j++) {
                    accMax = v[j] > accMax || Double.isNaN(accMax) ? v[j] : accMax;
                }
            }
            case SUM -> {
                double sum = accSum;
                for (; j < n; j++) {
                    sum += v[j];
                }
                accSum = sum;
            }
            case AVG -> {
                double mean = accMean;
                double count = accCount;
                for (; j < n; j++) {
                    count++;
                    mean = WindowFunction.meanStep(mean, count, v[j]);
                }
                accMean = mean;
            }
            case LAST -> accLast = v[n - 1];
            default -> {
            }
        }
        accCount += n;
    }

    /**
     * {@link WindowFunction#AVG} of the {@code lanes} pending windows into their value slots: the same operations
     * in the same order per window as {@code WindowFunction.over} (so bit-identical), interleaved over up to four
     * windows so the CPU overlaps the chains of dependent divisions (about 3x faster for [10m] windows at a 60 s
     * step, where every sample is in ten windows).
     */
    private void meansOfLanes(final int lanes) {
        if (lanes < LANES) {
            for (int k = 0; k < lanes; k++) {
                values[laneSlot[k]] = WindowFunction.AVG.over(vs, laneFrom[k], laneTo[k]);
            }
            return;
        }
        WindowFunction.averagesOfFour(vs, laneFrom, laneTo, 0, values, laneSlot);
    }

    private double result(final WindowFunction f) {
        return switch (f) {
            case MIN -> accMin;
            case MAX -> accMax;
            case SUM -> accSum;
            case COUNT -> accCount;
            case AVG -> accSum / accCount;
            case LAST -> accLast;
        };
    }

    /**
     * Walks window [a, b] as bucket and raw pieces. Planning records the raw pieces as spans; evaluating folds every
     * piece into the accumulator. Returns whether any bucket was used.
     */
    private boolean walk(final long a, final long b, final boolean plan) {
        boolean usedBucket = false;
        long t = a;
        while (true) {
            final int r = bucketAt(t, b);
            final long e;
            if (r >= 0) {
                usedBucket = true;
                bucketsUsed[r] = true;
                e = t + RES[r] - 1;
                if (!plan) {
                    foldBucket(r, t);
                }
            } else {
                final long next = nextBucketStart(t);
                e = next == Long.MAX_VALUE || next - 1 > b ? b : next - 1;
                if (plan) {
                    addSpan(t, e);
                } else {
                    foldRaw(t, e);
                }
            }
            if (e >= b) {
                return usedBucket;
            }
            t = e + 1;
        }
    }

    /** The resolution index of a served bucket starting at t and ending by b, or -1. */
    private int bucketAt(final long t, final long b) {
        for (int r = 0; r < RES.length; r++) {
            if (covered(r, t) && Math.floorMod(t, RES[r]) == 0 && t + RES[r] - 1 <= b) {
                return r;
            }
        }
        return -1;
    }

    private boolean covered(final int r, final long t) {
        for (int k = 0; k < coverCount[r]; k++) {
            if (coverLo[r][k] <= t && t <= coverHi[r][k]) {
                return true;
            }
        }
        return false;
    }

    /** The smallest served bucket start after t (any resolution), or Long.MAX_VALUE. */
    private long nextBucketStart(final long t) {
        if (t == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        long best = Long.MAX_VALUE;
        for (int r = 0; r < RES.length; r++) {
            for (int k = 0; k < coverCount[r]; k++) {
                if (coverHi[r][k] <= t) {
                    continue;
                }
                final long c = Math.max(coverLo[r][k], -Math.floorDiv(-(t + 1), RES[r]) * RES[r]);
                if (c <= coverHi[r][k]) {
                    best = Math.min(best, c);
                    break;
                }
            }
        }
        return best;
    }

    private void fold(final double mn, final double mx, final double sm, final double cnt, final double lst) {
        if (accCount == 0) {
            accMin = mn;
            accMax = mx;
            accSum = sm;
        } else {
            accMin = mn < accMin || Double.isNaN(accMin) ? mn : accMin;
            accMax = mx > accMax || Double.isNaN(accMax) ? mx : accMax;
            accSum += sm;
        }
        accCount += cnt;
        accLast = lst;
    }

    private void foldBucket(final int r, final long start) {
        final RollupWindows w = buckets[r];
        int lo = 0;
        int hi = w.size() - 1;
        while (lo <= hi) {
            final int mid = (lo + hi) >>> 1;
            final long s = w.startAt(mid);
            if (s < start) {
                lo = mid + 1;
            } else if (s > start) {
                hi = mid - 1;
            } else {
                bucketsRead++;
                fold(w.value(mid, RollupWindows.Agg.MIN), w.value(mid, RollupWindows.Agg.MAX),
                    w.value(mid, RollupWindows.Agg.SUM), w.value(mid, RollupWindows.Agg.COUNT),
                    w.value(mid, RollupWindows.Agg.LAST));
                return;
            }
        }
        // no entry: the bucket holds no (non-stale) sample of the series
    }

    private void foldRaw(final long a, final long b) {
        for (int i = lowerBound(a); i < sampleCount && ts[i] <= b; i++) {
            // the same left-to-right fold as WindowFunction.over, so a piece sequence matches raw arithmetic
            final double v = vs[i];
            fold(v, v, v, 1, v);
        }
    }

    private int lowerBound(final long t) {
        int lo = 0;
        int hi = sampleCount;
        while (lo < hi) {
            final int mid = (lo + hi) >>> 1;
            if (ts[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Finds the rollup-eligible blocks and the bucket starts each can serve; reads nothing yet. */
    private void prepareRollups(final List<Querier.Source> sources, final long[] tomb, final long lo, final long hi,
                                final long rangeMs) {
        for (int r = 0; r < RES.length; r++) {
            coverCount[r] = 0;
            buckets[r].clear();
            bucketsUsed[r] = false;
        }
        for (final Querier.Source s : sources) {
            final Block b = s.block();
            if (b == null || Querier.touches(tomb, b) || otherSourceOverlaps(sources, s)) {
                continue;
            }
            for (int r = 0; r < RES.length; r++) {
                if (b.rollup(RES[r]) == null || rangeMs < MIN_BUCKETS_PER_WINDOW * RES[r]) {
                    continue;
                }
                final long res = RES[r];
                final long first = -Math.floorDiv(-Math.max(b.meta().minTimeMs(), lo), res) * res;
                final long last = Math.floorDiv(Math.min(b.meta().maxTimeMs(), hi) + 1, res) * res - res;
                if (first <= last) {
                    addCover(r, first, last, s);
                }
            }
        }
        for (int r = 0; r < RES.length; r++) {
            sortCover(r);
        }
    }

    /** Reads the buckets of the resolutions the planned windows use (a long range may never need the 5 m ones). */
    private void loadRollups() {
        for (int r = 0; r < RES.length; r++) {
            if (!bucketsUsed[r]) {
                continue;
            }
            for (int k = 0; k < coverCount[r]; k++) {
                final Querier.Source s = coverSource[r][k];
                s.block().rollup(RES[r]).read(s.id(), coverLo[r][k], coverHi[r][k], columns, buckets[r]);
            }
            buckets[r].sortAndCombine();
        }
    }

    /** Whether any other source of the series holds a sample inside {@code block}'s time range. */
    private static boolean otherSourceOverlaps(final List<Querier.Source> sources, final Querier.Source block) {
        final long min = block.block().meta().minTimeMs();
        final long max = block.block().meta().maxTimeMs();
        for (final Querier.Source s : sources) {
            if (s == block) {
                continue;
            }
            if (s.head() != null ? s.head().overlaps(min, max) : s.entry().overlaps(min, max)) {
                return true;
            }
        }
        return false;
    }

    private void addCover(final int r, final long first, final long last, final Querier.Source source) {
        if (coverCount[r] == coverLo[r].length) {
            coverLo[r] = Arrays.copyOf(coverLo[r], coverCount[r] * 2);
            coverHi[r] = Arrays.copyOf(coverHi[r], coverCount[r] * 2);
            coverSource[r] = Arrays.copyOf(coverSource[r], coverCount[r] * 2);
        }
        coverLo[r][coverCount[r]] = first;
        coverSource[r][coverCount[r]] = source;
        coverHi[r][coverCount[r]++] = last;
    }

    private void sortCover(final int r) {
        final long[] l = coverLo[r];
        final long[] h = coverHi[r];
        for (int i = 1; i < coverCount[r]; i++) {
            for (int j = i; j > 0 && l[j - 1] > l[j]; j--) {
                final long x = l[j];
                l[j] = l[j - 1];
                l[j - 1] = x;
                final long y = h[j];
                h[j] = h[j - 1];
                h[j - 1] = y;
                final Querier.Source z = coverSource[r][j];
                coverSource[r][j] = coverSource[r][j - 1];
                coverSource[r][j - 1] = z;
            }
        }
    }

    private void addSpan(final long a, final long b) {
        if (spanCount > 0 && spanHi[spanCount - 1] >= a - 1 && spanLo[spanCount - 1] <= a) {
            spanHi[spanCount - 1] = Math.max(spanHi[spanCount - 1], b);
            return;
        }
        if (spanCount == spanLo.length) {
            spanLo = Arrays.copyOf(spanLo, spanCount * 2);
            spanHi = Arrays.copyOf(spanHi, spanCount * 2);
        }
        spanLo[spanCount] = a;
        spanHi[spanCount++] = b;
    }

    /** Sorts the spans by start and merges overlapping or adjacent ones. */
    private void mergeSpans() {
        boolean sorted = true;
        for (int i = 1; i < spanCount && sorted; i++) {
            sorted = spanLo[i] >= spanLo[i - 1];
        }
        if (!sorted) {
            final long[][] pairs = new long[spanCount][];
            for (int i = 0; i < spanCount; i++) {
                pairs[i] = new long[] {spanLo[i], spanHi[i]};
            }
            Arrays.sort(pairs, (x, y) -> Long.compare(x[0], y[0]));
            for (int i = 0; i < spanCount; i++) {
                spanLo[i] = pairs[i][0];
                spanHi[i] = pairs[i][1];
            }
        }
        int w = 0;
        for (int i = 0; i < spanCount; i++) {
            if (w > 0 && (spanHi[w - 1] == Long.MAX_VALUE || spanLo[i] <= spanHi[w - 1] + 1)) {
                spanHi[w - 1] = Math.max(spanHi[w - 1], spanHi[i]);
            } else {
                spanLo[w] = spanLo[i];
                spanHi[w++] = spanHi[i];
            }
        }
        spanCount = w;
    }

    /** Index of the first span ending at or after t (spanCount when none). */
    private int spanFrom(final long t) {
        int lo = 0;
        int hi = spanCount;
        while (lo < hi) {
            final int mid = (lo + hi) >>> 1;
            if (spanHi[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private boolean spansOverlap(final long a, final long b) {
        final int k = spanFrom(a);
        return k < spanCount && spanLo[k] <= b;
    }

    /** Reads the series' samples inside the spans (merged over sources, tombstones applied, stale markers out). */
    private void readRaw(final LabelSet labels, final List<Querier.Source> sources, final long lo, final long hi) {
        merged.clear();
        for (final Querier.Source s : sources) {
            part.clear();
            if (s.head() != null) {
                s.head().samples(lo, hi, reader, part);
            } else {
                readBlock(s, lo, hi);
            }
            part.sortAndDedupe();
            keepSpans(part);
            merged.mergeFrom(part);
        }
        db.tombstones().apply(labels, merged);
        if (ts.length < merged.size()) {
            ts = new long[merged.size()];
            vs = new double[merged.size()];
        }
        sampleCount = 0;
        for (int i = 0; i < merged.size(); i++) {
            final long bits = merged.valueBitsAt(i);
            if (bits != StaleMarker.BITS) {
                ts[sampleCount] = merged.timestampAt(i);
                vs[sampleCount++] = Double.longBitsToDouble(bits);
            }
        }
    }

    private void readBlock(final Querier.Source s, final long lo, final long hi) {
        final SeriesEntry e = s.entry();
        for (int i = 0; i < e.chunkRefs().length; i++) {
            final long cMin = Math.max(lo, e.chunkMinTimes()[i]);
            final long cMax = Math.min(hi, e.chunkMaxTimes()[i]);
            if (cMin > cMax || !spansOverlap(cMin, cMax)) {
                continue;
            }
            s.block().readChunk(e, i, reader);
            for (int j = 0; j < reader.count(); j++) {
                part.add(reader.timestampAt(j), reader.valueBitsAt(j));
            }
        }
    }

    /** Drops the samples of {@code samples} (sorted) outside every span. */
    private void keepSpans(final SampleBuffer samples) {
        final long[] t = samples.timestamps();
        final long[] b = samples.valueBits();
        int w = 0;
        int k = 0;
        for (int i = 0; i < samples.size(); i++) {
            while (k < spanCount && spanHi[k] < t[i]) {
                k++;
            }
            if (k < spanCount && spanLo[k] <= t[i]) {
                t[w] = t[i];
                b[w++] = b[i];
            }
        }
        samples.truncate(w);
    }
}
