package io.metricstream.storage.select;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.storage.block.Block;
import io.metricstream.storage.chunk.ChunkReader;
import io.metricstream.storage.chunk.SampleBuffer;
import io.metricstream.storage.db.TimeSeriesDb;
import io.metricstream.storage.head.MemSeries;
import io.metricstream.storage.head.SeriesRegistry;
import io.metricstream.storage.index.IndexReader;
import io.metricstream.storage.index.Postings;
import io.metricstream.storage.index.SeriesEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

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

    private record Source(Block block, SeriesEntry entry, MemSeries head) {
    }

    private TreeMap<LabelSet, List<Source>> sources(final List<LabelMatcher> matchers, final long minT,
                                                    final long maxT) {
        final TreeMap<LabelSet, List<Source>> out = new TreeMap<>();
        for (final Block b : db.blocks()) {
            if (!b.overlaps(minT, maxT)) {
                continue;
            }
            final IndexReader index = b.index();
            for (final long id : MatcherEvaluator.matching(blockView(index), matchers)) {
                final SeriesEntry e = index.series(id);
                if (e.overlaps(minT, maxT)) {
                    out.computeIfAbsent(e.labels(), k -> new ArrayList<>(2)).add(new Source(b, e, null));
                }
            }
        }
        final SeriesRegistry registry = db.head().registry();
        for (final long ref : MatcherEvaluator.matching(headView(registry), matchers)) {
            final MemSeries s = registry.series(ref);
            if (s.overlaps(minT, maxT)) {
                out.computeIfAbsent(s.labels(), k -> new ArrayList<>(1)).add(new Source(null, null, s));
            }
        }
        return out;
    }

    /** Streams every matching series with samples in [minT, maxT], in label order; returns the series count. */
    public int select(final List<LabelMatcher> matchers, final long minT, final long maxT, final int maxSeries,
                      final SeriesVisitor visitor) throws TooManySeriesException {
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
        return count;
    }

    private void read(final Source s, final long minT, final long maxT, final SampleBuffer into) {
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

    /** Label sets of the matching series with data in the range, sorted; at most {@code limit} (0 = all). */
    public List<LabelSet> series(final List<LabelMatcher> matchers, final long minT, final long maxT,
                                 final int limit) {
        final List<LabelSet> out = new ArrayList<>();
        for (final LabelSet l : sources(matchers, minT, maxT).keySet()) {
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
        for (final LabelSet l : sources(matchers, minT, maxT).keySet()) {
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
        for (final LabelSet l : sources(matchers, minT, maxT).keySet()) {
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
            public List<String> labelValues(final String name) {
                return index.labelValues(name);
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
            public List<String> labelValues(final String name) {
                return registry.labelValues(name);
            }

            @Override
            public long[] all() {
                return Postings.all(registry.size());
            }

            @Override
            public LabelSet labels(final long id) {
                return registry.series(id).labels();
            }
        };
    }
}
