package io.metricstream.query.api;

import io.metricstream.query.eval.Engine;
import io.metricstream.query.eval.PromFloats;
import io.metricstream.query.eval.QueryBenchmark;
import io.metricstream.query.eval.QueryResult;
import io.metricstream.query.promql.ParseException;
import io.metricstream.query.remote.InMemorySeriesSource;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Warm Q2 (PEERS.md: {@code avg_over_time(node_cpu_utilization_percent{host=~"h1.*"}[10m])}, 24 h at a 60 s step)
 * in process, phase by phase: evaluation over the in-memory fake ({@link Engine#range}: select, window means), the
 * answer's JSON ({@link PromJson#successResultBuf(io.netty.buffer.ByteBufAllocator, QueryResult)}, pooled buffers)
 * and the float formatting alone ({@link PromFloats#put} of every value). Prints the median over the rounds of the
 * calling thread's CPU per phase, and the mean process CPU of evaluation and JSON (work on other threads counts
 * there; the process clock is too coarse for a median). CPU time, not wall time: other work shares the cores.
 * Compare builds by running it on each classpath in
 * turn, back to back: {@code python3 /work/shared/peers/gen.py --format prom --order series --out /tmp/peers.prom},
 * then {@code java -cp <query-service test classpath> io.metricstream.query.api.RangeAnswerBench /tmp/peers.prom
 * [rounds [query]]}.
 */
public final class RangeAnswerBench {
    private static final String Q2 = "avg_over_time(node_cpu_utilization_percent{host=~\"h1.*\"}[10m])";
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final OperatingSystemMXBean OS =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static long sink;

    private RangeAnswerBench() {
    }

    /** Entry point. */
    public static void main(final String[] args) throws IOException, ParseException {
        final InMemorySeriesSource data = QueryBenchmark.load(Path.of(args[0]));
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        final String query = args.length > 2 ? args[2] : Q2;
        final Engine engine = new Engine(data, Engine.Options.DEFAULT);
        final double[] eval = new double[rounds];
        long evalProcess = 0;
        final double[] json = new double[rounds];
        long jsonProcess = 0;
        final double[] floats = new double[rounds];
        final byte[] scratch = new byte[PromFloats.MAX_BYTES];
        long points = 0;
        long bytes = 0;
        // as many unmeasured rounds first (JIT)
        for (int round = -rounds; round < rounds; round++) {
            final long c0 = CPU.getCurrentThreadCpuTime();
            final long p0 = OS.getProcessCpuTime();
            final QueryResult r = engine.range(query, QueryBenchmark.START_MS, QueryBenchmark.END_MS, 60_000);
            final long c1 = CPU.getCurrentThreadCpuTime();
            final long p1 = OS.getProcessCpuTime();
            final ByteBuf buf = PromJson.successResultBuf(PooledByteBufAllocator.DEFAULT, r);
            final long c2 = CPU.getCurrentThreadCpuTime();
            final long p2 = OS.getProcessCpuTime();
            bytes = buf.readableBytes();
            buf.release();
            points = 0;
            for (final QueryResult.Series s : ((QueryResult.Matrix) r).series()) {
                for (final double v : s.values()) {
                    sink += PromFloats.put(scratch, 0, v);
                }
                points += s.values().length;
            }
            final long c3 = CPU.getCurrentThreadCpuTime();
            if (round >= 0) {
                eval[round] = (c1 - c0) / 1e6;
                evalProcess += p1 - p0;
                json[round] = (c2 - c1) / 1e6;
                jsonProcess += p2 - p1;
                floats[round] = (c3 - c2) / 1e6;
            }
        }
        System.out.printf(Locale.ROOT, "%s: %d points, %d bytes; median of %d rounds, ms CPU: eval %.3f (thread) %.3f"
            + " (process), json %.3f (thread) %.3f (process), floats alone %.3f (%.1f ns/value) [sink %d]%n", query,
            points, bytes, rounds, median(eval), evalProcess / 1e6 / rounds, median(json), jsonProcess / 1e6 / rounds,
            median(floats), median(floats) * 1e6 / points, sink);
    }

    private static double median(final double[] xs) {
        final double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
