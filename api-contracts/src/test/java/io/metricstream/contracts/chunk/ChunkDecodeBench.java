package io.metricstream.contracts.chunk;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * ns/sample of a full {@link ChunkReader} decode against {@link LegacyChunkReader} (alternated, median of many
 * rounds) over chunks shaped like the shared data set (gen.py): 100 series x 24 h at 15 s cut as storage cuts them
 * (240 samples), integer counters (increments 0..3000, k = 0) and 2-decimal random-walk gauges, with regular or
 * jittered (+-0..500 ms) timestamps. Usage: {@code java -cp <api-contracts test classpath>
 * io.metricstream.contracts.chunk.ChunkDecodeBench [rounds]}.
 */
public final class ChunkDecodeBench {
    static final int SERIES = 100;
    static final int SAMPLES = 5_760;
    static final int CHUNK = 240;
    // thread CPU time, not wall time: two other helpers share the two cores
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static long sink;

    private ChunkDecodeBench() {
    }

    /** Entry point. */
    public static void main(final String[] args) {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        final String[] kinds = {"counter", "counter+jitter", "gauge", "gauge+jitter"};
        for (int kind = 0; kind < kinds.length; kind++) {
            final List<byte[]> chunks = chunks(new SplittableRandom(42 + kind), kind >= 2, (kind & 1) == 1);
            final double[] legacy = new double[rounds];
            final double[] current = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                legacy[r] = legacyRound(chunks);
                current[r] = currentRound(chunks);
            }
            Arrays.sort(legacy);
            Arrays.sort(current);
            System.out.printf(Locale.ROOT, "%-15s full decode ns/sample: legacy %.3f  current %.3f  (medians of %d)%n",
                kinds[kind], legacy[rounds / 2], current[rounds / 2], rounds);
        }
        System.out.println("checksum " + sink);
    }

    /** The chunks of {@link #SERIES} series of one kind. */
    static List<byte[]> chunks(final SplittableRandom rnd, final boolean gauge, final boolean jitter) {
        final ChunkWriter writer = new ChunkWriter(CHUNK);
        final BitWriter out = new BitWriter(4096);
        final List<byte[]> chunks = new ArrayList<>();
        for (int s = 0; s < SERIES; s++) {
            long cents = 5_000;
            long counter = 0;
            long t = 1_704_067_200_000L;
            for (int i = 0; i < SAMPLES; i++) {
                final double v;
                if (gauge) {
                    cents = Math.clamp(cents + rnd.nextLong(-300, 301), 0, 10_000);
                    v = cents / 100.0;
                } else {
                    // triangular day/night increment, as gen.py
                    final double day = 1 - Math.abs((i % 5_760) / 2_880.0 - 1);
                    counter += (long) (rnd.nextDouble() * 3_000 * (0.2 + 0.8 * day));
                    v = counter;
                }
                writer.append(jitter ? t + rnd.nextInt(-500, 501) : t, v);
                t += 15_000;
                if (writer.count() == CHUNK) {
                    out.reset();
                    writer.encode(out);
                    chunks.add(out.toByteArray());
                    writer.reset();
                }
            }
        }
        return chunks;
    }

    private static double legacyRound(final List<byte[]> chunks) {
        final LegacyChunkReader reader = new LegacyChunkReader();
        long samples = 0;
        long acc = 0;
        final long t0 = CPU.getCurrentThreadCpuTime();
        for (int rep = 0; rep < 5; rep++) {
            for (final byte[] c : chunks) {
                reader.reset(c, "bench");
                final int n = reader.count();
                acc += reader.timestampAt(n - 1) + reader.valueBitsAt(n - 1) + reader.valueBitsAt(n >> 1);
                samples += n;
            }
        }
        final long ns = CPU.getCurrentThreadCpuTime() - t0;
        sink += acc;
        return (double) ns / samples;
    }

    private static double currentRound(final List<byte[]> chunks) {
        final ChunkReader reader = new ChunkReader();
        long samples = 0;
        long acc = 0;
        final long t0 = CPU.getCurrentThreadCpuTime();
        for (int rep = 0; rep < 5; rep++) {
            for (final byte[] c : chunks) {
                reader.reset(c, "bench");
                final int n = reader.count();
                acc += reader.timestampAt(n - 1) + reader.valueBitsAt(n - 1) + reader.valueBitsAt(n >> 1);
                samples += n;
            }
        }
        final long ns = CPU.getCurrentThreadCpuTime() - t0;
        sink += acc;
        return (double) ns / samples;
    }
}
