package io.metricstream.query.warmup;

import io.metricstream.contracts.chunk.BitWriter;
import io.metricstream.contracts.chunk.ChunkWriter;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.StaleMarker;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.contracts.storage.MetadataRequest;
import io.metricstream.contracts.storage.SelectRequest;
import io.metricstream.contracts.storage.SeriesChunks;
import io.metricstream.contracts.storage.SeriesSamples;
import io.metricstream.contracts.storage.SeriesWindows;
import io.metricstream.contracts.storage.WindowRequest;
import io.metricstream.contracts.wire.WireReader;
import io.metricstream.query.eval.RangeSeries;
import io.metricstream.query.remote.ChunkDecoder;
import io.metricstream.query.remote.RawWindows;
import io.metricstream.query.remote.SeriesSource;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * A synthetic, in-memory {@link SeriesSource} for the warm-up: {@link #SERIES_PER_METRIC} hosts × four metrics
 * (integer counters, some with a reset, and float counters; gauges as random walks of hundredths and as random
 * floats; one stale marker per series; jittered timestamps) over {@link #SPAN_MS} at {@link #SCRAPE_MS}, cut into
 * {@link #CHUNK_SAMPLES}-sample chunks by the real {@link ChunkWriter}, so every chunk encoding (XOR, decimal
 * delta and delta-of-delta) is decoded. A select runs
 * what {@link io.metricstream.query.remote.StorageFanout} runs on a storage answer: the SELECT_CHUNKS (or
 * SELECT_WINDOWS) body written to a pooled buffer and decoded back, then the chunks decoded by the service's own
 * {@link ChunkDecoder}. Nothing here touches storage or user data. Immutable after construction; thread-safe.
 */
public final class WarmupSource implements SeriesSource {
    /** First sample (2001-09-09, far from any user's data; never written anywhere). */
    public static final long START_MS = 1_000_000_000_000L;
    /** Span of every series. */
    public static final long SPAN_MS = 6 * 3_600_000L;
    /** Sample interval. */
    public static final long SCRAPE_MS = 15_000;
    /** Hosts, i.e. series per metric. */
    public static final int SERIES_PER_METRIC = 50;
    /** Samples per chunk, as storage's default head chunk. */
    static final int CHUNK_SAMPLES = 120;

    private final List<SeriesChunks> series;
    private final ChunkDecoder decoder;
    private final ByteBufAllocator alloc;

    /** The synthetic series (seeded: the same every start), decoded on {@code decoder}'s threads. */
    public WarmupSource(final ChunkDecoder decoder, final ByteBufAllocator alloc) {
        this.decoder = decoder;
        this.alloc = alloc;
        this.series = generate(new SplittableRandom(42));
    }

    /** Samples held (all series). */
    public long samples() {
        return (long) series.size() * (SPAN_MS / SCRAPE_MS + 1);
    }

    private static List<SeriesChunks> generate(final SplittableRandom random) {
        final String[] metrics = {"warmup_requests_total", "warmup_bytes_total", "warmup_cpu_percent", "warmup_load"};
        final int n = (int) (SPAN_MS / SCRAPE_MS) + 1;
        final long[] ts = new long[n];
        final double[] vs = new double[n];
        final List<SeriesChunks> out = new ArrayList<>(metrics.length * SERIES_PER_METRIC);
        for (int m = 0; m < metrics.length; m++) {
            for (int h = 0; h < SERIES_PER_METRIC; h++) {
                double counter = 0;
                long hundredths = 5_000;
                for (int i = 0; i < n; i++) {
                    ts[i] = START_MS + i * SCRAPE_MS + (i % 7 == 3 ? random.nextInt(40) : 0);
                    hundredths = Math.max(0, Math.min(10_000, hundredths + random.nextInt(-300, 301)));
                    vs[i] = switch (m) {
                        case 0 -> counter = h % 5 == 0 && i == n / 2 ? 3 : counter + random.nextInt(3_000);
                        case 1 -> counter += h % 2 == 0 ? random.nextInt(50_000_000) : random.nextDouble() * 1e6;
                        case 2 -> h % 2 == 0 ? hundredths / 100.0 : random.nextDouble() * 100;
                        default -> hundredths / 100.0;
                    };
                }
                vs[n - 3 - h % 5] = StaleMarker.VALUE;
                out.add(chunks(LabelSet.of("__name__", metrics[m], "host", String.format(java.util.Locale.ROOT,
                    "h%02d", h), "job", "job" + h % 4, "region", "r" + h % 3), ts, vs, n));
            }
        }
        return out;
    }

    private static SeriesChunks chunks(final LabelSet labels, final long[] ts, final double[] vs, final int n) {
        final int count = (n + CHUNK_SAMPLES - 1) / CHUNK_SAMPLES;
        final long[] mins = new long[count];
        final long[] maxs = new long[count];
        final byte[][] bytes = new byte[count][];
        final ChunkWriter writer = new ChunkWriter(CHUNK_SAMPLES);
        final BitWriter bits = new BitWriter(1024);
        for (int c = 0; c < count; c++) {
            final int from = c * CHUNK_SAMPLES;
            final int to = Math.min(n, from + CHUNK_SAMPLES);
            writer.reset();
            for (int i = from; i < to; i++) {
                writer.append(ts[i], vs[i]);
            }
            bits.reset();
            writer.encode(bits);
            bytes[c] = bits.toByteArray();
            mins[c] = ts[from];
            maxs[c] = ts[to - 1];
        }
        return new SeriesChunks(labels, mins, maxs, bytes);
    }

    /**
     * The matching series' chunks overlapping the range, of series with one (as storage selects: its ChunkQuerier
     * skips the others). Whole chunk lists trained {@code RangeDecoding}'s skip of chunks outside the range, which no
     * storage answer takes, and its tier-4 code trapped there during the warm-up (session 8's JIT logs:
     * {@code RangeDecoding.estimate}, unstable_if), re-profiling it at tier 3 when the budget ended.
     */
    List<SeriesChunks> matching(final List<LabelMatcher> matchers, final long minMs, final long maxMs) {
        final List<SeriesChunks> matching = new ArrayList<>();
        for (final SeriesChunks s : series) {
            if (matches(s.labels(), matchers)) {
                final SeriesChunks overlapping = overlapping(s, minMs, maxMs);
                if (overlapping != null) {
                    matching.add(overlapping);
                }
            }
        }
        return matching;
    }

    /**
     * The answer entries of {@code series} as storage may send them: a series of two chunks or more as two entries
     * (its last chunk apart), as storage continues a series its answer frame cut. Decoding joins them again
     * ({@code SeriesChunks.join}), a branch the warm-up never took when each series was one entry: a user's first
     * Q1 trapped there (session 8 JIT logs).
     */
    static List<SeriesChunks> entries(final List<SeriesChunks> series) {
        final List<SeriesChunks> out = new ArrayList<>(series.size() * 2);
        for (final SeriesChunks s : series) {
            final int n = s.chunkCount();
            if (n < 2) {
                out.add(s);
                continue;
            }
            out.add(new SeriesChunks(s.labels(), Arrays.copyOf(s.minTimes(), n - 1),
                Arrays.copyOf(s.maxTimes(), n - 1), Arrays.copyOf(s.chunks(), n - 1)));
            out.add(new SeriesChunks(s.labels(), Arrays.copyOfRange(s.minTimes(), n - 1, n),
                Arrays.copyOfRange(s.maxTimes(), n - 1, n), Arrays.copyOfRange(s.chunks(), n - 1, n)));
        }
        return out;
    }

    /** The chunks of {@code s} overlapping [minMs, maxMs] ({@code s} itself when all do), or null when none does. */
    static SeriesChunks overlapping(final SeriesChunks s, final long minMs, final long maxMs) {
        int from = 0;
        while (from < s.chunkCount() && s.maxTimes()[from] < minMs) {
            from++;
        }
        int to = s.chunkCount();
        while (to > from && s.minTimes()[to - 1] > maxMs) {
            to--;
        }
        if (from == to) {
            return null;
        }
        if (from == 0 && to == s.chunkCount()) {
            return s;
        }
        return new SeriesChunks(s.labels(), Arrays.copyOfRange(s.minTimes(), from, to),
            Arrays.copyOfRange(s.maxTimes(), from, to), Arrays.copyOfRange(s.chunks(), from, to));
    }

    /** The matching series' chunks overlapping the range, as a storage answer travels: encoded, then decoded. */
    private List<SeriesChunks> answer(final List<LabelMatcher> matchers, final long minMs, final long maxMs) {
        final List<SeriesChunks> matching = matching(matchers, minMs, maxMs);
        final ByteBuf buf = alloc.buffer();
        try {
            SeriesChunks.encodeList(buf, entries(matching));
            final List<SeriesChunks> decoded = new ArrayList<>(matching.size());
            final WireReader r = new WireReader().wrap(buf, buf.readerIndex(), buf.readableBytes());
            if (!SeriesChunks.decodeList(r, buf, decoded)) {
                throw new IllegalStateException("warm-up answer did not decode: " + r.problem());
            }
            return decoded;
        } finally {
            buf.release();
        }
    }

    private static boolean matches(final LabelSet labels, final List<LabelMatcher> matchers) {
        for (final LabelMatcher m : matchers) {
            final String v = labels.get(m.name());
            if (!m.matches(v == null ? "" : v)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public CompletableFuture<List<SeriesSamples>> select(final SelectRequest request) {
        return decoder.decode(answer(request.matchers(), request.minTimeMs(), request.maxTimeMs()),
            request.minTimeMs(), request.maxTimeMs());
    }

    @Override
    public CompletableFuture<List<RangeSeries>> selectRange(final SelectRequest request) {
        return decoder.decodeRanges(answer(request.matchers(), request.minTimeMs(), request.maxTimeMs()),
            request.minTimeMs(), request.maxTimeMs());
    }

    @Override
    public <T> CompletableFuture<List<Mapped<T>>> selectRangeMapped(final SelectRequest request,
                                                                   final Function<RangeSeries, T> mapper) {
        return decoder.decodeRangesMapped(answer(request.matchers(), request.minTimeMs(), request.maxTimeMs()),
            request.minTimeMs(), request.maxTimeMs(), mapper);
    }

    @Override
    public <T> CompletableFuture<List<Mapped<T>>> selectMapped(final SelectRequest request,
                                                              final SamplesMapper<T> mapper) {
        return decoder.decodeMapped(answer(request.matchers(), request.minTimeMs(), request.maxTimeMs()),
            request.minTimeMs(), request.maxTimeMs(), mapper);
    }

    /** On the decoding threads and the caller ({@link ChunkDecoder#forEach}). */
    @Override
    public void forEachSeries(final int n, final IntConsumer body) {
        decoder.forEach(n, body);
    }

    /** Windows from the decoded samples, sent through the SELECT_WINDOWS answer codec as storage's would be. */
    @Override
    public CompletableFuture<List<SeriesWindows>> selectWindows(final WindowRequest request) {
        final SelectRequest raw = new SelectRequest(request.minTimeMs(), request.maxTimeMs(), request.maxSeries(),
            request.matchers());
        return select(raw).thenApplyAsync(samples -> {
            final List<SeriesWindows> windows = RawWindows.compute(samples, request);
            final ByteBuf buf = alloc.buffer();
            try {
                SeriesWindows.encodeList(buf, windows);
                final List<SeriesWindows> decoded = new ArrayList<>(windows.size());
                final WireReader r = new WireReader().wrap(buf, buf.readerIndex(), buf.readableBytes());
                if (!SeriesWindows.decodeList(r, buf, decoded)) {
                    throw new IllegalStateException("warm-up windows did not decode: " + r.problem());
                }
                return decoded;
            } finally {
                buf.release();
            }
        }, decoder.executor());
    }

    @Override
    public CompletableFuture<List<String>> labelNames(final MetadataRequest request) {
        return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletableFuture<List<String>> labelValues(final MetadataRequest request) {
        return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletableFuture<List<LabelSet>> series(final MetadataRequest request) {
        return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletableFuture<Long> deleteSeries(final MetadataRequest request) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("warm-up source is read-only"));
    }

    @Override
    public CompletableFuture<Long> cleanTombstones() {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("warm-up source is read-only"));
    }
}
