package io.metricstream.storage.bench;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.contracts.storage.SeriesChunks;
import io.metricstream.contracts.storage.WindowFunction;
import io.metricstream.contracts.storage.WindowRequest;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.storage.block.Block;
import io.metricstream.storage.block.RollupWriter;
import io.metricstream.storage.db.DbOptions;
import io.metricstream.storage.db.TimeSeriesDb;
import io.metricstream.storage.head.HeadMetrics;
import io.metricstream.storage.head.MemSeries;
import io.metricstream.storage.select.ChunkQuerier;
import io.metricstream.storage.select.Querier;
import io.metricstream.storage.select.WindowQuerier;
import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Bytes per sample and select latency on the shared data set. Not a unit test: run with
 * {@code java -cp <test classpath> io.metricstream.storage.bench.StorageBench <dataset.prom> <dataDir>
 * [rollupMinSpanMs]} where the data set comes from {@code python3 gen.py --format prom --order series --out
 * dataset.prom}. Loads every sample directly into the head, flushes all of it into blocks, compacts, and reports
 * the on-disk bytes of the blocks divided by the samples, then the median latency of select, selectChunks (server
 * side and client decode), selectWindows and selectRollup for 1 series and all 1,000 series over 24 h.
 */
public final class StorageBench {
    private StorageBench() {
    }

    public static void main(final String[] args) throws Exception {
        final Path data = Path.of(args[0]);
        final Path dir = Path.of(args[1]);
        // optional third argument: storage.rollup_min_block_span_ms (0 = rollups on every block)
        final DbOptions d = DbOptions.DEFAULT;
        final DbOptions options = args.length < 3 ? d : new DbOptions(d.head(), d.retentionMs(), d.retentionBytes(),
            d.compactionFactor(), d.maxCompactionLevel(), Long.parseLong(args[2]));
        final TimeSeriesDb db = TimeSeriesDb.open(dir, options, new HeadMetrics(new MetricsRegistry()));
        final Map<String, MemSeries> series = new HashMap<>();
        final long t0 = System.nanoTime();
        final long samples = load(db, data, series);
        final long loadNs = System.nanoTime() - t0;
        if (args.length > 3 && "head".equals(args[3])) {
            headRows(db);
            db.close();
            return;
        }
        db.flush(Long.MAX_VALUE);
        final long flushedBytes = db.blockBytes();
        final long flushedRollupBytes = rollupBytes(db);
        final int flushedBlocks = db.blocks().size();
        db.compact();
        final long bytes = db.blockBytes();
        System.out.printf(Locale.ROOT, "samples=%d series=%d load=%.1fs (%.2f M samples/s)%n", samples,
            series.size(), loadNs / 1e9, samples / (loadNs / 1e3));
        System.out.printf(Locale.ROOT, "after flush: blocks=%d bytes=%d bytes/sample=%.3f%n", flushedBlocks,
            flushedBytes, (double) flushedBytes / samples);
        System.out.printf(Locale.ROOT, "after compaction: blocks=%d bytes=%d bytes/sample=%.3f%n",
            db.blocks().size(), bytes, (double) bytes / samples);
        for (final Block b : db.blocks()) {
            System.out.printf(Locale.ROOT, "  block %s level=%d samples=%d bytes=%d rollupBytes=%d%n",
                b.meta().name(), b.meta().level(), b.meta().samples(), b.sizeBytes(), b.rollupBytes());
        }
        final long rollup = rollupBytes(db);
        System.out.printf(Locale.ROOT,
            "rollups (5m+1h) after flush: bytes=%d = %.1f%% of block bytes, %.3f bytes/sample%n", flushedRollupBytes,
            100.0 * flushedRollupBytes / flushedBytes, (double) flushedRollupBytes / samples);
        System.out.printf(Locale.ROOT, "rollups (5m+1h) after compaction: bytes=%d (5m=%d 1h=%d) = %.1f%% of block "
            + "bytes, %.3f bytes/sample; blocks without rollups %.3f bytes/sample%n", rollup,
            rollupBytes(db, RollupWriter.RES_5M), rollupBytes(db, RollupWriter.RES_1H), 100.0 * rollup / bytes,
            (double) rollup / samples, (double) (bytes - rollup) / samples);
        if (args.length > 3 && "windows".equals(args[3])) {
            windowRows(db);
            db.close();
            return;
        }
        latency(db, "1 series, 24 h", List.of(LabelMatcher.eq("__name__", "node_load1"),
            LabelMatcher.eq("host", "h42")));
        latency(db, "1000 series, 24 h", List.of(LabelMatcher.of(LabelMatcher.Type.RE, "__name__", ".+")));
        final List<LabelMatcher> one = List.of(LabelMatcher.eq("__name__", "node_load1"),
            LabelMatcher.eq("host", "h42"));
        final List<LabelMatcher> all = List.of(LabelMatcher.of(LabelMatcher.Type.RE, "__name__", ".+"));
        chunkLatency(db, "1 series, 24 h", one);
        chunkLatency(db, "1000 series, 24 h", all);
        windowLatency(db, "1 series, 24 h, avg_over_time[10m] step 60 s", one, WindowFunction.AVG, 600_000L,
            60_000L);
        windowLatency(db, "1000 series, 24 h, avg_over_time[10m] step 60 s", all, WindowFunction.AVG, 600_000L,
            60_000L);
        windowLatency(db, "1000 series, 24 h, max_over_time[1h] step 1 h", all, WindowFunction.MAX, 3_600_000L,
            3_600_000L);
        windowLatency(db, "1000 series, sum_over_time[24h] one window", all, WindowFunction.SUM, 86_400_000L,
            86_400_000L);
        for (final long res : RollupWriter.RESOLUTIONS) {
            rollupLatency(db, res, List.of(LabelMatcher.of(LabelMatcher.Type.RE, "__name__", ".+")));
        }
        db.close();
    }

    /**
     * Fourth argument {@code head}: the head as the platform leaves it after ingesting the data set (flushed up to
     * the head's own flush boundary, so the newest 2-3 h of every series stay in the head, the newest chunk open),
     * then SELECT_CHUNKS and SELECT_WINDOWS over all 1,000 series and over the head's time range only. Every
     * select meets every series' open head chunk (cached by the series since the storage round 3 brief).
     */
    private static void headRows(final TimeSeriesDb db) throws Exception {
        db.flushIfDue();
        final long headMin = db.head().flushBoundaryMs();
        System.out.printf(Locale.ROOT, "head: samples=%d from %d; blocks=%d%n", db.head().sampleCount(), headMin,
            db.blocks().size());
        final List<LabelMatcher> all = List.of(LabelMatcher.of(LabelMatcher.Type.RE, "__name__", ".+"));
        for (int round = 0; round < 2; round++) {
            // round 0 warms up the JIT; round 1 is the one to quote
            System.out.printf(Locale.ROOT, "round %d%n", round);
            chunkLatency(db, "1000 series, 24 h", all);
            windowLatency(db, "1000 series, max_over_time[1d] instant", all, WindowFunction.MAX, 86_400_000L,
                86_400_000L);
            windowLatency(db, "1000 series, max_over_time[1h] step 1 h", all, WindowFunction.MAX, 3_600_000L,
                3_600_000L);
            windowLatency(db, "1000 series, avg_over_time[10m] step 60 s", all, WindowFunction.AVG, 600_000L,
                60_000L);
        }
    }

    /**
     * The window rows of the storage round-2 brief (fourth argument {@code windows}): 100 series (Q5's
     * node_cpu_utilization_percent) and all 1,000 series, each with max_over_time[1d] instant (one window),
     * max_over_time[1h] step 1 h and avg_over_time[10m] step 60 s, plus SELECT_CHUNKS server time for 100 series.
     */
    private static void windowRows(final TimeSeriesDb db) throws Exception {
        final List<LabelMatcher> hundred = List.of(LabelMatcher.eq("__name__", "node_cpu_utilization_percent"));
        final List<LabelMatcher> all = List.of(LabelMatcher.of(LabelMatcher.Type.RE, "__name__", ".+"));
        for (int round = 0; round < 2; round++) {
            // round 0 warms up the JIT; round 1 is the one to quote
            System.out.printf(Locale.ROOT, "round %d%n", round);
            chunkLatency(db, "100 series, 24 h", hundred);
            for (final List<LabelMatcher> m : List.of(hundred, all)) {
                final String n = m == hundred ? "100 series" : "1000 series";
                windowLatency(db, n + ", max_over_time[1d] instant", m, WindowFunction.MAX, 86_400_000L,
                    86_400_000L);
                windowLatency(db, n + ", max_over_time[1h] step 1 h", m, WindowFunction.MAX, 3_600_000L,
                    3_600_000L);
                windowLatency(db, n + ", avg_over_time[10m] step 60 s", m, WindowFunction.AVG, 600_000L, 60_000L);
            }
        }
    }

    /**
     * Appends every sample of {@code data} (Prometheus text lines {@code name{labels} value ts}, as gen.py writes
     * them) to the head of {@code db}; {@code series} collects the series by their text; returns the samples.
     */
    public static long load(final TimeSeriesDb db, final Path data, final Map<String, MemSeries> series)
        throws IOException {
        long samples = 0;
        try (BufferedReader in = Files.newBufferedReader(data, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                final int close = line.indexOf('}');
                final String prefix = line.substring(0, close + 1);
                MemSeries s = series.get(prefix);
                if (s == null) {
                    s = db.head().registry().getOrCreate(parse(prefix), 240);
                    series.put(prefix, s);
                }
                final int space = line.indexOf(' ', close + 2);
                final double value = Double.parseDouble(line.substring(close + 2, space));
                final long ts = Long.parseLong(line.substring(space + 1));
                db.head().append(s, ts, Double.doubleToRawLongBits(value));
                samples++;
            }
        }
        return samples;
    }

    private static void latency(final TimeSeriesDb db, final String what, final List<LabelMatcher> matchers)
        throws Exception {
        final long[] ns = new long[15];
        long got = 0;
        for (int i = 0; i < ns.length; i++) {
            final long[] count = new long[1];
            final long t = System.nanoTime();
            new Querier(db).select(matchers, 1_704_067_200_000L, 1_704_067_200_000L + 86_400_000L, 0,
                (labels, samples) -> count[0] += samples.size());
            ns[i] = System.nanoTime() - t;
            got = count[0];
        }
        Arrays.sort(ns);
        System.out.printf(Locale.ROOT, "select %s: samples=%d median=%.2f ms min=%.2f ms (15 runs)%n", what, got,
            ns[ns.length / 2] / 1e6, ns[0] / 1e6);
    }

    /**
     * SELECT_CHUNKS in process: the server side (chunks collected and copied into byte arrays, as a frame would
     * carry them) and then what the query service does with the answer (SeriesChunks.decode per series).
     */
    private static void chunkLatency(final TimeSeriesDb db, final String what, final List<LabelMatcher> matchers)
        throws Exception {
        final long min = 1_704_067_200_000L;
        final long max = min + 86_400_000L;
        final long[] serverNs = new long[15];
        final long[] serverCpuNs = new long[15];
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final long[] decodeNs = new long[15];
        long got = 0;
        long bytes = 0;
        final ChunkReader reader = new ChunkReader();
        for (int i = 0; i < serverNs.length; i++) {
            final List<SeriesChunks> answer = new ArrayList<>();
            final long[] size = new long[1];
            final long cpu = threads.getCurrentThreadCpuTime();
            final long t = System.nanoTime();
            new ChunkQuerier(db).select(matchers, min, max, 0, (labels, chunks) -> {
                final int n = chunks.size();
                final long[] mins = new long[n];
                final long[] maxs = new long[n];
                final byte[][] data = new byte[n][];
                for (int c = 0; c < n; c++) {
                    mins[c] = chunks.minTimeAt(c);
                    maxs[c] = chunks.maxTimeAt(c);
                    data[c] = new byte[chunks.lengthAt(c)];
                    chunks.bufferAt(c).get(chunks.offsetAt(c), data[c]);
                    size[0] += data[c].length + SeriesChunks.CHUNK_ENTRY_OVERHEAD;
                }
                answer.add(new SeriesChunks(labels, mins, maxs, data));
            });
            final long t1 = System.nanoTime();
            serverCpuNs[i] = threads.getCurrentThreadCpuTime() - cpu;
            long count = 0;
            for (final SeriesChunks s : answer) {
                count += s.decode(min, max, reader).size();
            }
            decodeNs[i] = System.nanoTime() - t1;
            serverNs[i] = t1 - t;
            got = count;
            bytes = size[0];
        }
        Arrays.sort(serverNs);
        Arrays.sort(serverCpuNs);
        Arrays.sort(decodeNs);
        System.out.printf(Locale.ROOT, "selectChunks %s: samples=%d chunkBytes=%d (%.2f B/sample) server "
            + "median=%.2f ms min=%.2f ms (cpu median=%.2f ms min=%.2f ms); client decode median=%.2f ms "
            + "min=%.2f ms (%.0f M samples/s) (15 runs)%n",
            what, got, bytes, (double) bytes / Math.max(1, got), serverNs[7] / 1e6, serverNs[0] / 1e6,
            serverCpuNs[7] / 1e6, serverCpuNs[0] / 1e6, decodeNs[7] / 1e6, decodeNs[0] / 1e6,
            got / (decodeNs[7] / 1e3));
    }

    private static void windowLatency(final TimeSeriesDb db, final String what, final List<LabelMatcher> matchers,
                                      final WindowFunction fn, final long rangeMs, final long stepMs)
        throws Exception {
        final long end = 1_704_067_200_000L + 86_400_000L;
        final int steps = (int) (86_400_000L / stepMs);
        final WindowRequest q = new WindowRequest(end - (steps - 1) * stepMs, stepMs, steps, rangeMs, fn, 0,
            matchers);
        final long[] ns = new long[15];
        final long[] cpu = new long[15];
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long got = 0;
        long fromRollups = 0;
        double check = 0;
        for (int i = 0; i < ns.length; i++) {
            final long[] count = new long[1];
            final double[] sum = new double[1];
            final WindowQuerier w = new WindowQuerier(db);
            final long c = threads.getCurrentThreadCpuTime();
            final long t = System.nanoTime();
            w.select(q, (labels, idx, values, n) -> {
                count[0] += n;
                for (int k = 0; k < n; k++) {
                    sum[0] += values[k];
                }
            });
            ns[i] = System.nanoTime() - t;
            cpu[i] = threads.getCurrentThreadCpuTime() - c;
            got = count[0];
            check = sum[0];
            fromRollups = w.windowsFromRollups();
        }
        Arrays.sort(ns);
        Arrays.sort(cpu);
        System.out.printf(Locale.ROOT, "selectWindows %s: points=%d checksum=%s (windows using rollups %d) "
            + "median=%.2f ms min=%.2f ms, cpu median=%.2f ms min=%.2f ms (15 runs)%n", what, got,
            Double.toString(check), fromRollups, ns[7] / 1e6, ns[0] / 1e6, cpu[7] / 1e6, cpu[0] / 1e6);
    }

    private static long rollupBytes(final TimeSeriesDb db) {
        long total = 0;
        for (final Block b : db.blocks()) {
            total += b.rollupBytes();
        }
        return total;
    }

    private static long rollupBytes(final TimeSeriesDb db, final long res) {
        long total = 0;
        for (final Block b : db.blocks()) {
            total += b.rollup(res) == null ? 0 : b.rollup(res).sizeBytes();
        }
        return total;
    }

    private static void rollupLatency(final TimeSeriesDb db, final long res, final List<LabelMatcher> matchers)
        throws Exception {
        final long[] ns = new long[15];
        long got = 0;
        long fromFiles = 0;
        for (int i = 0; i < ns.length; i++) {
            final long[] count = new long[1];
            final long t = System.nanoTime();
            final Querier q = new Querier(db);
            q.selectRollup(matchers, 1_704_067_200_000L, 1_704_067_200_000L + 86_400_000L - 1, res, 0,
                (labels, windows) -> count[0] += windows.size());
            ns[i] = System.nanoTime() - t;
            got = count[0];
            fromFiles = q.rollupWindowsRead();
        }
        Arrays.sort(ns);
        System.out.printf(Locale.ROOT, "selectRollup %s all series, 24 h: windows=%d (from rollup files %d) "
            + "median=%.2f ms min=%.2f ms (15 runs)%n", RollupWriter.fileName(res), got, fromFiles,
            ns[ns.length / 2] / 1e6, ns[0] / 1e6);
    }

    private static LabelSet parse(final String prefix) {
        final LabelSet.Builder b = LabelSet.builder();
        final int open = prefix.indexOf('{');
        b.add("__name__", prefix.substring(0, open));
        for (final String pair : prefix.substring(open + 1, prefix.length() - 1).split(",")) {
            final int eq = pair.indexOf('=');
            b.add(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
        }
        return b.build();
    }
}
