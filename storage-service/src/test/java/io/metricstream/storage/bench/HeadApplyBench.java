package io.metricstream.storage.bench;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.SampleRecordCodec;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.storage.head.Head;
import io.metricstream.storage.head.HeadMetrics;
import io.metricstream.storage.head.HeadOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.BufferedReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * CPU per sample of the storage apply path ({@link Head#appendRecord}: series lookup, append, cut and encode) on
 * the shared data set, fed as the queue feeds it. Not a unit test: run with {@code java -cp <test classpath>
 * io.metricstream.storage.bench.HeadApplyBench <dataset.prom> [connections] [rounds]} where the data set (time
 * order) comes from {@code metricstream loadgen dataset --format prom --out dataset.prom}. The data set is cut into
 * requests of 5,000 samples as loadgen sends them, each request into one record per series (key + its samples);
 * {@code connections} > 1 shuffles every run of that many consecutive requests (seeded), as concurrent loadgen
 * connections reorder them, so each series sees out-of-order samples around its chunk cuts. Each request's records
 * are applied as one batch ({@link Head#beginBatch}, as the consumer applies one fetched answer); a fourth argument
 * {@code per-record} publishes the counts per record instead. Reports the thread CPU time of applying every record
 * to a fresh head, per sample, median (min) of the rounds after one warm-up. Run it with the launcher's
 * {@code --sun-misc-unsafe-memory-access=allow}: without it Netty's direct buffers copy through a ByteBuffer
 * duplicate per read.
 */
public final class HeadApplyBench {
    private static final int SAMPLES_PER_REQUEST = 5_000;

    private HeadApplyBench() {
    }

    public static void main(final String[] args) throws Exception {
        final int connections = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        final int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        final boolean batches = args.length <= 3 || !"per-record".equals(args[3]);
        final List<ByteBuf> requests = requests(Path.of(args[0]));
        shuffle(requests, connections, new SplittableRandom(42));
        long samples = 0;
        for (final ByteBuf r : requests) {
            samples += sampleCount(r);
        }
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final double[] usPerSample = new double[rounds];
        for (int round = -1; round < rounds; round++) {
            final HeadMetrics metrics = new HeadMetrics(new MetricsRegistry());
            final Head head = new Head(HeadOptions.DEFAULT, metrics);
            final long t0 = threads.getCurrentThreadCpuTime();
            for (final ByteBuf r : requests) {
                if (batches) {
                    head.beginBatch();
                }
                apply(head, r);
                if (batches) {
                    head.endBatch();
                }
            }
            final long ns = threads.getCurrentThreadCpuTime() - t0;
            if (round >= 0) {
                usPerSample[round] = ns / 1e3 / samples;
            }
            System.out.printf(Locale.ROOT, "round %d: %.1f ms cpu, %.3f us/sample, appended=%d duplicates=%d "
                + "too_old=%d%n", round, ns / 1e6, ns / 1e3 / samples, metrics.appended(), metrics.duplicates(),
                metrics.tooOld());
        }
        Arrays.sort(usPerSample);
        System.out.printf(Locale.ROOT, "requests=%d samples=%d connections=%d batches=%b: %.3f (%.3f) us/sample "
            + "median (min)%n", requests.size(), samples, connections, batches, usPerSample[rounds / 2],
            usPerSample[0]);
    }

    /** One request's records: [int keyLength][key][int valueLength][samples] repeated. */
    private static void apply(final Head head, final ByteBuf r) {
        int at = 0;
        while (at < r.writerIndex()) {
            final int keyLength = r.getInt(at);
            final int keyAt = at + 4;
            final int valueLength = r.getInt(keyAt + keyLength);
            final int valueAt = keyAt + keyLength + 4;
            head.appendRecord(r, keyAt, keyLength, valueAt, valueLength);
            at = valueAt + valueLength;
        }
    }

    private static long sampleCount(final ByteBuf r) {
        long n = 0;
        int at = 0;
        while (at < r.writerIndex()) {
            final int keyLength = r.getInt(at);
            final int valueLength = r.getInt(at + 4 + keyLength);
            n += valueLength / SampleRecordCodec.SAMPLE_LENGTH;
            at += 8 + keyLength + valueLength;
        }
        return n;
    }

    private static List<ByteBuf> requests(final Path data) throws Exception {
        final List<ByteBuf> out = new ArrayList<>();
        final Map<String, LabelSet> labels = new LinkedHashMap<>();
        // series prefix -> (ts, value) pairs of the current request, in arrival order
        final Map<String, List<double[]>> batch = new LinkedHashMap<>();
        int inBatch = 0;
        try (BufferedReader in = Files.newBufferedReader(data, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                final int close = line.indexOf('}');
                final String prefix = line.substring(0, close + 1);
                labels.computeIfAbsent(prefix, HeadApplyBench::parse);
                final int space = line.indexOf(' ', close + 2);
                batch.computeIfAbsent(prefix, p -> new ArrayList<>()).add(new double[] {
                    Long.parseLong(line.substring(space + 1)), Double.parseDouble(line.substring(close + 2, space))});
                if (++inBatch == SAMPLES_PER_REQUEST) {
                    out.add(encode(batch, labels));
                    batch.clear();
                    inBatch = 0;
                }
            }
        }
        if (inBatch > 0) {
            out.add(encode(batch, labels));
        }
        return out;
    }

    private static ByteBuf encode(final Map<String, List<double[]>> batch, final Map<String, LabelSet> labels) {
        final ByteBuf b = Unpooled.directBuffer();
        for (final Map.Entry<String, List<double[]>> e : batch.entrySet()) {
            final int lengthAt = b.writerIndex();
            b.writeInt(0);
            final int keyLength = SeriesKeyCodec.encode(labels.get(e.getKey()), b);
            b.setInt(lengthAt, keyLength);
            b.writeInt(e.getValue().size() * SampleRecordCodec.SAMPLE_LENGTH);
            for (final double[] s : e.getValue()) {
                SampleRecordCodec.writeSample(b, (long) s[0], s[1]);
            }
        }
        return b;
    }

    /** Shuffles each run of {@code k} consecutive requests. */
    private static void shuffle(final List<ByteBuf> requests, final int k, final SplittableRandom rnd) {
        for (int from = 0; from + 1 < requests.size() && k > 1; from += k) {
            final int to = Math.min(requests.size(), from + k);
            for (int i = to - 1; i > from; i--) {
                final int j = from + rnd.nextInt(i - from + 1);
                final ByteBuf t = requests.get(i);
                requests.set(i, requests.get(j));
                requests.set(j, t);
            }
        }
    }

    /** Parses {@code name{a="b",...}}. */
    private static LabelSet parse(final String prefix) {
        final int open = prefix.indexOf('{');
        final LabelSet.Builder b = LabelSet.builder().add("__name__", prefix.substring(0, open));
        for (final String pair : prefix.substring(open + 1, prefix.length() - 1).split(",")) {
            final int eq = pair.indexOf('=');
            b.add(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
        }
        return b.build();
    }
}
