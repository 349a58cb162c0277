package io.metricstream.ingestion.bench;

import io.metricstream.ingestion.batch.PartitionBatcher;
import io.metricstream.ingestion.batch.TestListeners;
import io.metricstream.ingestion.format.InfluxLineParser;
import io.metricstream.ingestion.format.InfluxPrecision;
import io.metricstream.ingestion.format.ParseLimits;
import io.metricstream.ingestion.format.ParseStatus;
import io.metricstream.ingestion.format.RemoteWriteDecoder;
import io.metricstream.ingestion.format.StagedSamples;
import io.metricstream.ingestion.ring.IngestRequest;
import io.metricstream.ingestion.ring.SeriesRunEvent;
import io.metricstream.ingestion.ring.SeriesRunTranslator;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.xerial.snappy.Snappy;

/**
 * CPU per sample of each ingest stage on one thread (thread CPU time, so the machine's other load matters less),
 * over gen.py's data set cut into 5,000-sample requests as loadgen sends them:
 * {@code java -cp <test classpath> io.metricstream.ingestion.bench.StageBench [hours] [rounds]}.
 * Stages: snappy (decompress only), remote-write protobuf decode into staging (labels checked, keys built),
 * Influx parse into staging (then grouped by series, as the handler does), ring publish (finding the request's
 * series runs and the translator filling preallocated slots, one per run, from staging; no Disruptor cursor), and
 * the batcher ({@link PartitionBatcher#onEvent}, the ring drained once per request: group by series, record
 * encode, CRC; the sink releases the batch at once; its figure includes the ring fill). Each stage's figure is the
 * median (min) over the rounds after one warm-up round; the rw decode stage decodes with one decoder throughout,
 * as an event loop does.
 */
public final class StageBench {
    private static final int PARTITIONS = 8;
    private static final int BATCH_MAX_BYTES = 1 << 20;

    private StageBench() {
    }

    /** Entry point. */
    public static void main(final String[] args) throws Exception {
        final String hours = args.length > 0 ? args[0] : "6";
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        final List<byte[]> compressed = IngestBench.remoteWriteBodies(hours);
        final List<byte[]> lp = IngestBench.influxBodies(hours);
        final List<byte[]> rw = new ArrayList<>();
        for (final byte[] c : compressed) {
            rw.add(Snappy.uncompress(c));
        }
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final RemoteWriteDecoder decoder = new RemoteWriteDecoder(ParseLimits.DEFAULT);
        final InfluxLineParser influx = new InfluxLineParser(ParseLimits.DEFAULT, false);
        final byte[] raw = new byte[4 << 20];
        final String[] names = {"snappy", "rw-decode", "lp-parse", "ring-fill(rw)", "batcher(rw)", "batcher(lp)"};
        final double[][] ns = new double[names.length][rounds];
        int[] counts = new int[1024];
        final SeriesRunEvent[] slots = new SeriesRunEvent[1024];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new SeriesRunEvent();
        }
        for (int round = -1; round < rounds; round++) {
            long samples = 0;
            long t = threads.getCurrentThreadCpuTime();
            for (final byte[] c : compressed) {
                Snappy.uncompress(c, 0, c.length, raw, 0);
            }
            final long snappyNs = threads.getCurrentThreadCpuTime() - t;
            // decode: keep the stagings for the ring and batcher stages
            final List<StagedSamples> rwStaged = new ArrayList<>();
            t = threads.getCurrentThreadCpuTime();
            for (final byte[] b : rw) {
                final StagedSamples s = new StagedSamples(PooledByteBufAllocator.DEFAULT, PARTITIONS, 1_000_000);
                check(decoder.decodeProtobuf(b, 0, b.length, s), decoder.error());
                samples += s.sampleCount();
                rwStaged.add(s);
            }
            final long rwNs = threads.getCurrentThreadCpuTime() - t;
            final List<StagedSamples> lpStaged = new ArrayList<>();
            long lpSamples = 0;
            t = threads.getCurrentThreadCpuTime();
            for (final byte[] b : lp) {
                final StagedSamples s = new StagedSamples(PooledByteBufAllocator.DEFAULT, PARTITIONS, 1_000_000);
                check(influx.parse(b, 0, b.length, InfluxPrecision.MS, 0, s), influx.error());
                counts = s.groupBySeries(counts);
                lpSamples += s.sampleCount();
                lpStaged.add(s);
            }
            final long lpNs = threads.getCurrentThreadCpuTime() - t;
            final long fillNs = ringFill(threads, rwStaged, slots);
            final long batchRwNs = batch(threads, rwStaged, slots);
            final long batchLpNs = batch(threads, lpStaged, slots);
            if (round >= 0) {
                ns[0][round] = snappyNs / (double) samples;
                ns[1][round] = rwNs / (double) samples;
                ns[2][round] = lpNs / (double) lpSamples;
                ns[3][round] = fillNs / (double) samples;
                ns[4][round] = batchRwNs / (double) samples;
                ns[5][round] = batchLpNs / (double) lpSamples;
            }
        }
        final StringBuilder line = new StringBuilder("ns/sample median (min) over " + rounds + " rounds:");
        for (int k = 0; k < names.length; k++) {
            Arrays.sort(ns[k]);
            line.append(String.format(Locale.ROOT, " %s %.1f (%.1f);", names[k], ns[k][rounds / 2], ns[k][0]));
        }
        System.out.println(line);
    }

    private static void check(final ParseStatus s, final Object error) {
        if (s != ParseStatus.COMPLETE) {
            throw new IllegalStateException("bench body did not parse: " + error);
        }
    }

    /** The publisher's share of the ring: finding the runs and filling a slot per run, in claims of 1,024. */
    private static long ringFill(final com.sun.management.ThreadMXBean threads, final List<StagedSamples> staged,
                                 final SeriesRunEvent[] slots) {
        long sink = 0;
        final int[] ends = new int[slots.length];
        final long t = threads.getCurrentThreadCpuTime();
        for (final StagedSamples s : staged) {
            final IngestRequest r = new IngestRequest(s, 0, (req, f) -> { });
            while (r.publishIndex() < s.sampleCount()) {
                final int runs = SeriesRunTranslator.findRuns(r, ends);
                for (int k = 0; k < runs; k++) {
                    final SeriesRunEvent e = slots[k];
                    SeriesRunTranslator.translateTo(e, r, ends[k]);
                    sink += e.count();
                }
            }
        }
        final long ns = threads.getCurrentThreadCpuTime() - t;
        if (sink == 42) {
            System.out.println("unlikely");
        }
        return ns;
    }

    /** The batcher consuming every request's samples; releases the stagings. */
    private static long batch(final com.sun.management.ThreadMXBean threads, final List<StagedSamples> staged,
                              final SeriesRunEvent[] slots) {
        final PartitionBatcher batcher = new PartitionBatcher((p, buf) -> CompletableFuture.completedFuture(0L),
            PooledByteBufAllocator.DEFAULT, BATCH_MAX_BYTES, 0, TestListeners.FAIL_ON_FAILURE);
        long seq = 0;
        final int[] ends = new int[slots.length];
        final long t = threads.getCurrentThreadCpuTime();
        for (final StagedSamples s : staged) {
            final IngestRequest r = new IngestRequest(s, 0, (req, f) -> { });
            final int n = s.sampleCount();
            // the ring drained once per request (a batch of ~5,000 / partitions samples per partition)
            while (r.publishIndex() < n) {
                final int runs = SeriesRunTranslator.findRuns(r, ends);
                for (int k = 0; k < runs; k++) {
                    final SeriesRunEvent e = slots[k];
                    SeriesRunTranslator.translateTo(e, r, ends[k]);
                    batcher.onEvent(e, seq++, r.publishIndex() == n);
                }
            }
        }
        return threads.getCurrentThreadCpuTime() - t;
    }
}
