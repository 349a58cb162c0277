package io.metricstream.storage.select;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.storage.block.Block;
import io.metricstream.storage.block.RollupFile;
import io.metricstream.storage.block.RollupWindows;
import io.metricstream.storage.block.RollupWriter;
import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.storage.chunk.SampleBuffer;
import io.metricstream.storage.db.TimeSeriesDb;
import io.metricstream.storage.head.HeadReaders;
import io.metricstream.storage.head.HeadTruncatedException;
import io.metricstream.storage.head.MemSeries;
import io.metricstream.storage.head.SeriesRegistry;
import io.metricstream.storage.index.IndexReader;
import io.metricstream.storage.index.Postings;
import io.metricstream.storage.index.SeriesEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Answers reads over the blocks and the head of one {@link TimeSeriesDb}: series are matched per index, united by
 * label set, and each series' samples in [minT, maxT] are merged over every source in age order (blocks by name,
 * then the head), sorted, de-duplicated (the older source wins on equal timestamps) and filtered by tombstones.
 * Not thread-safe (it keeps scratch buffers): one per query thread.
 */
public final class Querier {
    private final TimeSeriesDb db;
    private final ChunkReader reader = new ChunkReader();
    private final SampleBuffer merged = new SampleBuffer(1024);
    private final SampleBuffer part = new SampleBuffer(1024);
    // sources()' check of a tombstoned series for a sample left
    private final SampleBuffer probe = new SampleBuffer(256);
    private final RollupWindows windows = new RollupWindows();
    private final RollupWindows rawWindows = new RollupWindows();
    private final ChunkReader[] columns = {new ChunkReader(), new ChunkReader(), new ChunkReader(),
        new ChunkReader(), new ChunkReader()};
    private long rollupWindowsRead;

    /** A querier over {@code db}. */
    public Querier(final TimeSeriesDb db) {
        this.db = db;
    }

    /** Receives one series with its samples (buffer valid during the call only). */
    @FunctionalInterface
    public interface SeriesVisitor {
        /** One series. */
        void series(LabelSet labels, SampleBuffer samples);
    }

    /** A select had more series than its limit. */
    public static final class TooManySeriesException extends Exception {
        private static final long serialVersionUID = 1L;

        TooManySeriesException(final int found, final int limit) {
            super("select matched " + found + " series; want <= maxSeries=" + limit);
        }
    }

    record Source(Block block, int id, SeriesEntry entry, MemSeries head) {
    }

    /** Tries of a listing overtaken by head truncations before it fails ({@link HeadReaders#overtaken}). */
    static final int LISTING_ATTEMPTS = 3;

    /**
     * The matching series with a sample in [minT, maxT] that no tombstone deletes, each with its sources. A series
     * whose every sample in the range is deleted is left out, as Prometheus's querier skips a series whose chunks
     * deletion intervals cover: listings (series, label names and values) then agree with SELECT.
     */
    TreeMap<LabelSet, List<Source>> sources(final List<LabelMatcher> matchers, final long minT, final long maxT) {
        // grouped by hash (LabelSet caches it), then ordered once: a TreeMap per block insert cost ~7 label-set
        // comparisons per series and block (100 series x 4 blocks: ~0.08 ms of LabelSet.compareTo)
        final HashMap<LabelSet, List<Source>> out = new HashMap<>();
        for (final Block b : db.blocks()) {
            if (!b.overlaps(minT, maxT)) {
                continue;
            }
            final IndexReader index = b.index();
            for (final long id : MatcherEvaluator.matching(blockView(index), matchers)) {
                final SeriesEntry e = index.series(id);
                if (e.overlaps(minT, maxT)) {
                    out.computeIfAbsent(e.labels(), k -> new ArrayList<>(2)).add(new Source(b, (int) id, e, null));
                }
            }
        }
        final SeriesRegistry registry = db.head().registry();
        for (final long ref : MatcherEvaluator.matching(headView(registry), matchers)) {
            final MemSeries s = registry.series(ref);
            // null: head GC removed it after the postings were read; its samples are in a block the caller's
            // HeadReaders registration keeps visible to it (taken before this block list, so it holds that block),
            // or were all deleted (the GC of deleted series)
            if (s != null && s.overlaps(minT, maxT)) {
                out.computeIfAbsent(s.labels(), k -> new ArrayList<>(1)).add(new Source(null, -1, null, s));
            }
        }
        out.entrySet().removeIf(e -> !hasSampleLeft(e.getKey(), e.getValue(), minT, maxT));
        return new TreeMap<>(out);
    }

    /** Whether a source of {@code labels} has a sample in [minT, maxT] outside its tombstones (decoded only then). */
    private boolean hasSampleLeft(final LabelSet labels, final List<Source> of, final long minT, final long maxT) {
        final long[] tomb = db.tombstones().intervals(labels);
        if (tomb == null) {
            return true;
        }
        for (final Source s : of) {
            probe.clear();
            read(s, minT, maxT, probe);
            for (int i = 0; i < probe.size(); i++) {
                if (!deleted(tomb, probe.timestampAt(i))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether a tombstone interval in {@code tomb} (min, max pairs, or null) holds {@code t}. */
    static boolean deleted(final long[] tomb, final long t) {
        for (int i = 0; tomb != null && i < tomb.length; i += 2) {
            if (t >= tomb[i] && t <= tomb[i + 1]) {
                return true;
            }
        }
        return false;
    }

    /**
     * The label sets {@link #sources} finds, with a fresh block list whenever a head truncation overtook the read
     * (nothing is streamed yet, so a retry is free); fails with {@link HeadTruncatedException} after
     * {@link #LISTING_ATTEMPTS}.
     */
    private Set<LabelSet> listed(final List<LabelMatcher> matchers, final long minT, final long maxT) {
        final HeadReaders readers = db.head().readers();
        for (int attempt = 1; ; attempt++) {
            final long reading = readers.enter();
            try {
                final TreeMap<LabelSet, List<Source>> all = sources(matchers, minT, maxT);
                if (!readers.overtaken(reading)) {
                    return all.keySet();
                }
                if (attempt == LISTING_ATTEMPTS) {
                    readers.checkNotOvertaken(reading);
                }
            } finally {
                readers.exit(reading);
            }
        }
    }

    /** Streams every matching series with samples in [minT, maxT], in label order; returns the series count. */
    public int select(final List<LabelMatcher> matchers, final long minT, final long maxT, final int maxSeries,
                      final SeriesVisitor visitor) throws TooManySeriesException {
        final long reading = db.head().readers().enter();
        try {
            final TreeMap<LabelSet, List<Source>> all = sources(matchers, minT, maxT);
            if (maxSeries > 0 && all.size() > maxSeries) {
                throw new TooManySeriesException(all.size(), maxSeries);
            }
            int count = 0;
            for (final Map.Entry<LabelSet, List<Source>> e : all.entrySet()) {
                merged.clear();
                for (final Source s : e.getValue()) {
                    part.clear();
                    read(s, minT, maxT, part);
                    part.sortAndDedupe();
                    merged.mergeFrom(part);
                }
                db.tombstones().apply(e.getKey(), merged);
                if (merged.size() > 0) {
                    visitor.series(e.getKey(), merged);
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

    void read(final Source s, final long minT, final long maxT, final SampleBuffer into) {
        if (s.head() != null) {
            s.head().samples(minT, maxT, reader, into);
            return;
        }
        final SeriesEntry e = s.entry();
        for (int i = 0; i < e.chunkRefs().length; i++) {
            if (e.chunkMaxTimes()[i] < minT || e.chunkMinTimes()[i] > maxT) {
                continue;
            }
            s.block().readChunk(e, i, reader);
            for (int j = 0; j < reader.count(); j++) {
                final long t = reader.timestampAt(j);
                if (t >= minT && t <= maxT) {
                    into.add(t, reader.valueBitsAt(j));
                }
            }
        }
    }

    /** Receives one series with its windows (valid during the call only). */
    @FunctionalInterface
    public interface RollupVisitor {
        /** One series. */
        void series(LabelSet labels, RollupWindows windows);
    }

    /**
     * The resolution {@code auto} picks for [minT, maxT]: 1 h when the range is over 7 days, else 5 min.
     */
    public static long autoResolution(final long minT, final long maxT) {
        final double span = (double) maxT - (double) minT;
        return span > 7 * 86_400_000.0 ? RollupWriter.RES_1H : RollupWriter.RES_5M;
    }

    /** Windows served from rollup files (not recomputed from raw samples) since this querier was made. */
    public long rollupWindowsRead() {
        return rollupWindowsRead;
    }

    /**
     * Streams every matching series' windows of {@code resolutionMs} (a multiple-of-resolution grid from the epoch)
     * over the samples in [minT, maxT], in label order; returns the series count. Windows wholly inside the range
     * come from a block's rollup file when that block overlaps no other block and no tombstone of the series
     * overlaps it; everything else (the head, overlapping blocks, tombstoned series, the partial windows at the
     * range's edges, blocks without rollups) is aggregated from raw samples. Same answer either way.
     */
    public int selectRollup(final List<LabelMatcher> matchers, final long minT, final long maxT,
                            final long resolutionMs, final int maxSeries, final RollupVisitor visitor)
        throws TooManySeriesException {
        final long reading = db.head().readers().enter();
        try {
            final long lo = Math.max(minT, -(1L << 61));
            final long hi = Math.min(maxT, 1L << 61);
            final TreeMap<LabelSet, List<Source>> all = sources(matchers, lo, hi);
            if (maxSeries > 0 && all.size() > maxSeries) {
                throw new TooManySeriesException(all.size(), maxSeries);
            }
            final IdentityHashMap<Block, Boolean> overlapping = overlappingBlocks();
            final long firstFull = -Math.floorDiv(-lo, resolutionMs) * resolutionMs;
            final long lastFull = Math.floorDiv(hi - resolutionMs + 1, resolutionMs) * resolutionMs;
            int count = 0;
            for (final Map.Entry<LabelSet, List<Source>> e : all.entrySet()) {
                merged.clear();
                windows.clear();
                final long[] tomb = db.tombstones().intervals(e.getKey());
                for (final Source s : e.getValue()) {
                    part.clear();
                    final RollupFile rollup = s.block() == null ? null : s.block().rollup(resolutionMs);
                    if (rollup != null && firstFull <= lastFull && !overlapping.containsKey(s.block())
                        && !touches(tomb, s.block())) {
                        rollupWindowsRead += rollup.read(s.id(), firstFull, lastFull, columns, windows);
                        read(s, lo, firstFull - 1, part);
                        read(s, lastFull + resolutionMs, hi, part);
                    } else {
                        read(s, lo, hi, part);
                    }
                    part.sortAndDedupe();
                    merged.mergeFrom(part);
                }
                db.tombstones().apply(e.getKey(), merged);
                rawWindows.clear();
                for (int i = 0; i < merged.size(); i++) {
                    rawWindows.addSample(merged.timestampAt(i), merged.valueBitsAt(i), resolutionMs);
                }
                for (int i = 0; i < rawWindows.size(); i++) {
                    windows.addFrom(rawWindows, i);
                }
                windows.sortAndCombine();
                if (windows.size() > 0) {
                    visitor.series(e.getKey(), windows);
                    count++;
                }
            }
            db.head().readers().checkNotOvertaken(reading);
            return count;
        } finally {
            db.head().readers().exit(reading);
        }
    }

    static boolean touches(final long[] tomb, final Block b) {
        for (int i = 0; tomb != null && i < tomb.length; i += 2) {
            if (b.overlaps(tomb[i], tomb[i + 1])) {
                return true;
            }
        }
        return false;
    }

    private IdentityHashMap<Block, Boolean> overlappingBlocks() {
        final List<Block> sorted = new ArrayList<>(db.blocks());
        sorted.sort((a, b) -> Long.compare(a.meta().minTimeMs(), b.meta().minTimeMs()));
        final IdentityHashMap<Block, Boolean> out = new IdentityHashMap<>();
        for (int i = 0; i < sorted.size(); i++) {
            for (int j = i + 1; j < sorted.size()
                && sorted.get(j).meta().minTimeMs() <= sorted.get(i).meta().maxTimeMs(); j++) {
                out.put(sorted.get(i), Boolean.TRUE);
                out.put(sorted.get(j), Boolean.TRUE);
            }
        }
        return out;
    }

    /** Label sets of the matching series with data in the range, sorted; at most {@code limit} (0 = all). */
    public List<LabelSet> series(final List<LabelMatcher> matchers, final long minT, final long maxT,
                                 final int limit) {
        final List<LabelSet> out = new ArrayList<>();
        for (final LabelSet l : listed(matchers, minT, maxT)) {
            if (limit > 0 && out.size() >= limit) {
                break;
            }
            out.add(l);
        }
        return out;
    }

    /** Label names over the matching series, sorted. */
    public List<String> labelNames(final List<LabelMatcher> matchers, final long minT, final long maxT,
                                   final int limit) {
        final TreeSet<String> names = new TreeSet<>();
        for (final LabelSet l : listed(matchers, minT, maxT)) {
            for (int i = 0; i < l.size(); i++) {
                names.add(l.name(i));
            }
        }
        return limit(names, limit);
    }

    /** Values of label {@code name} over the matching series, sorted. */
    public List<String> labelValues(final String name, final List<LabelMatcher> matchers, final long minT,
                                    final long maxT, final int limit) {
        final TreeSet<String> values = new TreeSet<>();
        for (final LabelSet l : listed(matchers, minT, maxT)) {
            final String v = l.get(name);
            if (v != null) {
                values.add(v);
            }
        }
        return limit(values, limit);
    }

    private static List<String> limit(final TreeSet<String> set, final int limit) {
        final List<String> out = new ArrayList<>(set);
        return limit > 0 && out.size() > limit ? new ArrayList<>(out.subList(0, limit)) : out;
    }

    static MatcherEvaluator.IndexView blockView(final IndexReader index) {
        return new MatcherEvaluator.IndexView() {
            @Override
            public long[] postings(final String name, final String value) {
                return index.postings(name, value);
            }

            @Override
            public void postingsMatching(final String name, final Predicate<String> matches, final List<long[]> into) {
                index.postingsMatching(name, matches, into);
            }

            @Override
            public long[] all() {
                return Postings.all(index.seriesCount());
            }

            @Override
            public LabelSet labels(final long id) {
                return index.series(id).labels();
            }
        };
    }

    static MatcherEvaluator.IndexView headView(final SeriesRegistry registry) {
        return new MatcherEvaluator.IndexView() {
            @Override
            public long[] postings(final String name, final String value) {
                return registry.postings(name, value);
            }

            @Override
            public void postingsMatching(final String name, final Predicate<String> matches, final List<long[]> into) {
                registry.postingsMatching(name, matches, into);
            }

            @Override
            public long[] all() {
                // refs ascend with creation and are not dense once head GC removed series
                return registry.refs();
            }

            @Override
            public LabelSet labels(final long id) {
                // removed by head GC since its ref was read: matched or not, sources() skips it
                final MemSeries s = registry.series(id);
                return s == null ? LabelSet.EMPTY : s.labels();
            }
        };
    }
}
