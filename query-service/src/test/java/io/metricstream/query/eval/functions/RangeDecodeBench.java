package io.metricstream.query.eval.functions;

import io.metricstream.contracts.chunk.BitWriter;
import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.contracts.chunk.ChunkWriter;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.SeriesChunks;
import io.metricstream.query.eval.Evaluator;
import io.metricstream.query.eval.QueryContext;
import io.metricstream.query.eval.RangeSeries;
import io.metricstream.query.eval.StepSeries;
import io.metricstream.query.eval.Windows;
import io.metricstream.query.promql.ast.Function;
import io.metricstream.query.remote.RangeDecoding;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Warm Q1's per-series work in process: {@link RangeDecoding#decode} of 100 counter series x 24 h at 15 s (chunks
 * of 240 samples, as storage cuts them; integer increments 0..3000, regular or jittered timestamps) over
 * [start - 5m, end], and {@code rate(...[5m])} over 1,441 steps of 60 s ({@link RangeFunctions#one}). Prints the
 * median ns per decoded sample of each, over many rounds. Compare builds by running it on each classpath in turn:
 * {@code java -cp <query-service test classpath> io.metricstream.query.eval.functions.RangeDecodeBench [rounds]}.
 */
public final class RangeDecodeBench {
    private static final long START = 1_704_067_200_000L;
    private static final long END = START + 86_400_000L;
    private static final long RANGE = 300_000L;
    private static final long STEP = 60_000L;
    private static final int SERIES = 100;
    private static final int SAMPLES = 5_760 + 40;
    // thread CPU time, not wall time: two other helpers share the two cores
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static long sink;

    private RangeDecodeBench() {
    }

    /** Entry point. */
    public static void main(final String[] args) {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 31;
        final int steps = (int) ((END - START) / STEP) + 1;
        final long[] ends = new long[steps];
        for (int i = 0; i < steps; i++) {
            ends[i] = START + i * STEP;
        }
        final Evaluator ev = new Evaluator(new QueryContext(null, 300_000, START, END, Long.MAX_VALUE, 1_000_000,
            60_000, 0), START, END, STEP);
        for (final boolean jitter : new boolean[] {false, true}) {
            final List<SeriesChunks> data = data(new SplittableRandom(7), jitter);
            final ChunkReader reader = new ChunkReader();
            final RangeDecoding.Scratch scratch = new RangeDecoding.Scratch();
            final List<RangeSeries> decoded = new ArrayList<>();
            long samples = 0;
            for (final SeriesChunks s : data) {
                final RangeSeries r = RangeDecoding.decode(s, START - RANGE, END, reader);
                decoded.add(r);
                samples += r.size();
            }
            final Windows w = new Windows(decoded, ends, RANGE);
            final double[] decode = new double[rounds];
            final double[] rate = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                long t0 = CPU.getCurrentThreadCpuTime();
                for (int rep = 0; rep < 5; rep++) {
                    for (final SeriesChunks s : data) {
                        final RangeSeries x = RangeDecoding.decode(s, START - RANGE, END, reader, scratch);
                        sink += x.size() + Double.doubleToRawLongBits(x.values()[x.size() - 1]);
                    }
                }
                decode[r] = (CPU.getCurrentThreadCpuTime() - t0) / (5.0 * samples);
                t0 = CPU.getCurrentThreadCpuTime();
                for (int rep = 0; rep < 5; rep++) {
                    for (final RangeSeries s : decoded) {
                        final StepSeries out = RangeFunctions.one(ev, Function.RATE, w, s);
                        sink += Double.doubleToRawLongBits(out.values()[steps / 2]);
                    }
                }
                rate[r] = (CPU.getCurrentThreadCpuTime() - t0) / (5.0 * samples);
            }
            Arrays.sort(decode);
            Arrays.sort(rate);
            System.out.printf(Locale.ROOT, "jitter=%-5s %d samples: RangeDecoding.decode %.3f ns/sample, rate[5m] x %d"
                + " steps %.3f ns/sample (%.1f us per 100 series) (medians of %d)%n", jitter, samples,
                decode[rounds / 2], steps, rate[rounds / 2], rate[rounds / 2] * samples / 1e3, rounds);
        }
        System.out.println("checksum " + sink);
    }

    private static List<SeriesChunks> data(final SplittableRandom rnd, final boolean jitter) {
        final ChunkWriter writer = new ChunkWriter(240);
        final BitWriter out = new BitWriter(4096);
        final List<SeriesChunks> series = new ArrayList<>();
        for (int s = 0; s < SERIES; s++) {
            final List<byte[]> chunks = new ArrayList<>();
            final List<long[]> bounds = new ArrayList<>();
            long counter = 0;
            long t = START - 600_000;
            long first = 0;
            long last = 0;
            for (int i = 0; i < SAMPLES; i++) {
                final double day = 1 - Math.abs((i % 5_760) / 2_880.0 - 1);
                counter += (long) (rnd.nextDouble() * 3_000 * (0.2 + 0.8 * day));
                final long ts = jitter ? t + rnd.nextInt(-500, 501) : t;
                if (writer.count() == 0) {
                    first = ts;
                }
                last = ts;
                writer.append(ts, counter);
                t += 15_000;
                if (writer.count() == 240 || i == SAMPLES - 1) {
                    out.reset();
                    writer.encode(out);
                    chunks.add(out.toByteArray());
                    bounds.add(new long[] {first, last});
                    writer.reset();
                }
            }
            final long[] mins = new long[chunks.size()];
            final long[] maxs = new long[chunks.size()];
            for (int c = 0; c < mins.length; c++) {
                mins[c] = bounds.get(c)[0];
                maxs[c] = bounds.get(c)[1];
            }
            series.add(new SeriesChunks(LabelSet.of("__name__", "http_requests_total", "host", "h" + s), mins, maxs,
                chunks.toArray(new byte[0][])));
        }
        return series;
    }
}
