package io.metricstream.storage.select;

import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.contracts.storage.WindowFunction;
import io.metricstream.contracts.storage.WindowRequest;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.storage.bench.StorageBench;
import io.metricstream.storage.db.DbOptions;
import io.metricstream.storage.db.TimeSeriesDb;
import io.metricstream.storage.head.HeadMetrics;
import io.metricstream.storage.index.Postings;
import io.metricstream.storage.index.PostingsIntersector;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;

/**
 * CPU and allocation per select of PEERS.md's Q1 (SELECT_CHUNKS of {@code http_requests_total}, 24 h + 5 m) and Q2
 * (SELECT_WINDOWS avg_over_time[10m] of {@code node_cpu_utilization_percent{host=~"h1.*"}}, 24 h at 60 s), with
 * queriers made per select (as before {@link ThreadQueriers}) and reused per thread, alternated round by round; then
 * the postings of an alternation of ten hosts by a scan of the label's values against a look-up per literal. Not a
 * unit test: {@code java -cp <test classpath> io.metricstream.storage.select.SelectCpuBench <peers.prom> <dataDir>
 * [rounds] [selectsPerRound]} with the data set from {@code gen.py --format prom --order series}.
 */
public final class SelectCpuBench {
    private static final long T0 = 1_704_067_200_000L;
    private static final long DAY = 86_400_000L;
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private SelectCpuBench() {
    }

    private interface Select {
        void run(boolean reuse) throws Exception;
    }

    public static void main(final String[] args) throws Exception {
        final int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        final int perRound = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        try (TimeSeriesDb db = TimeSeriesDb.open(Path.of(args[1]), DbOptions.DEFAULT,
            new HeadMetrics(new MetricsRegistry()))) {
            final long samples = StorageBench.load(db, Path.of(args[0]), new HashMap<>());
            // the last two hours stay in the head, as in a live server
            db.flush(T0 + DAY - 2 * 3_600_000L);
            db.compact();
            System.out.printf(Locale.ROOT, "samples=%d blocks=%d head series=%d%n", samples, db.blocks().size(),
                db.head().registry().size());
            final List<LabelMatcher> q1 = List.of(LabelMatcher.eq("__name__", "http_requests_total"));
            final WindowRequest q2 = new WindowRequest(T0, 60_000L, 1441, 600_000L, WindowFunction.AVG, 0,
                List.of(LabelMatcher.eq("__name__", "node_cpu_utilization_percent"),
                    LabelMatcher.of(LabelMatcher.Type.RE, "host", "h1.*")));
            final long[] sink = new long[1];
            compare("Q1 select_chunks", rounds, perRound, reuse -> {
                final ThreadQueriers t = reuse ? ThreadQueriers.acquire(db) : null;
                final ChunkQuerier q = reuse ? t.chunkQuerier : new ChunkQuerier(db);
                q.select(q1, T0 - 300_000L, T0 + DAY, 0, (labels, chunks) -> sink[0] += chunks.size());
                if (t != null) {
                    t.release();
                }
            });
            compare("Q2 select_windows", rounds, perRound, reuse -> {
                final ThreadQueriers t = reuse ? ThreadQueriers.acquire(db) : null;
                final WindowQuerier q = reuse ? t.windowQuerier : new WindowQuerier(db);
                q.select(q2, (labels, steps, values, n) -> sink[0] += n);
                if (t != null) {
                    t.release();
                }
            });
            final LabelMatcher name = LabelMatcher.eq("__name__", "node_cpu_utilization_percent");
            final LabelMatcher hosts = LabelMatcher.of(LabelMatcher.Type.RE, "host",
                "h10|h11|h12|h13|h14|h15|h16|h17|h18|h19");
            final List<MatcherEvaluator.IndexView> views = new ArrayList<>();
            db.blocks().forEach(b -> views.add(Querier.blockView(b.index())));
            views.add(Querier.headView(db.head().registry()));
            compare("postings of host=~\"h10|..|h19\" over " + views.size() + " indexes (scan | look-up)", rounds,
                perRound * 10, lookUp -> {
                    for (final MatcherEvaluator.IndexView v : views) {
                        if (lookUp) {
                            sink[0] += MatcherEvaluator.matching(v, List.of(name, hosts)).length;
                        } else {
                            // the evaluator before literals(): every value of the label tested
                            final List<long[]> lists = new ArrayList<>();
                            v.postingsMatching("host", hosts::matches, lists);
                            sink[0] += PostingsIntersector.intersect(List.of(v.postings(name.name(), name.value()),
                                Postings.union(lists))).length;
                        }
                    }
                });
            System.out.println("checksum " + sink[0]);
        }
    }

    /** Rounds of {@code perRound} selects each way, in alternating order; prints the medians per select. */
    private static void compare(final String what, final int rounds, final int perRound, final Select select)
        throws Exception {
        for (int i = 0; i < perRound * 3; i++) {
            select.run(i % 2 == 0);
        }
        final double[][] cpuUs = new double[2][rounds];
        final double[][] allocKb = new double[2][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < 2; k++) {
                final int way = (r + k) % 2;
                final long cpu = THREADS.getCurrentThreadCpuTime();
                final long bytes = THREADS.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < perRound; i++) {
                    select.run(way == 1);
                }
                cpuUs[way][r] = (THREADS.getCurrentThreadCpuTime() - cpu) / 1e3 / perRound;
                allocKb[way][r] = (THREADS.getCurrentThreadAllocatedBytes() - bytes) / 1024.0 / perRound;
            }
        }
        for (int way = 0; way < 2; way++) {
            Arrays.sort(cpuUs[way]);
            Arrays.sort(allocKb[way]);
            System.out.printf(Locale.ROOT, "%s %s: cpu median=%.1f us min=%.1f us max=%.1f us, alloc median=%.1f KB "
                + "(%d rounds x %d)%n", what, way == 0 ? "before" : "after", cpuUs[way][rounds / 2], cpuUs[way][0],
                cpuUs[way][rounds - 1], allocKb[way][rounds / 2], rounds, perRound);
        }
    }
}
