package io.metricstream.ingestion.bench;

import com.lmax.disruptor.FatalExceptionHandler;
import io.metricstream.ingestion.batch.PartitionBatcher;
import io.metricstream.ingestion.batch.TestListeners;
import io.metricstream.ingestion.format.InfluxLineParser;
import io.metricstream.ingestion.format.InfluxPrecision;
import io.metricstream.ingestion.format.ParseLimits;
import io.metricstream.ingestion.format.ParseStatus;
import io.metricstream.ingestion.format.RemoteWriteDecoder;
import io.metricstream.ingestion.format.StagedSamples;
import io.metricstream.ingestion.ring.IngestRequest;
import io.metricstream.ingestion.ring.IngestRing;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.xerial.snappy.Snappy;

/**
 * CPU per sample of the ring itself, through the real Disruptor: one publisher thread ({@link IngestRing#publish},
 * the event loop's share) and the batcher thread ({@link PartitionBatcher} as the ring's consumer, its wait
 * strategy included; the sink acks at once), over gen.py's data in 5,000-sample requests (1,000 series × 5 samples,
 * 8 partitions), staged before the clock starts:
 * {@code java -cp <test classpath> io.metricstream.ingestion.bench.RingBench [hours] [rounds] [rw|lp]}.
 * Thread CPU time, median (min) over the rounds after one warm-up round.
 */
public final class RingBench {
    private static final int PARTITIONS = 8;

    private RingBench() {
    }

    /** Entry point. */
    public static void main(final String[] args) throws Exception {
        final String hours = args.length > 0 ? args[0] : "6";
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        final String format = args.length > 2 ? args[2] : "rw";
        final List<byte[]> bodies = new ArrayList<>();
        if (format.equals("rw")) {
            for (final byte[] c : IngestBench.remoteWriteBodies(hours)) {
                bodies.add(Snappy.uncompress(c));
            }
        } else {
            bodies.addAll(IngestBench.influxBodies(hours));
        }
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final RemoteWriteDecoder decoder = new RemoteWriteDecoder(ParseLimits.DEFAULT);
        final InfluxLineParser influx = new InfluxLineParser(ParseLimits.DEFAULT, false);
        final AtomicLong batcherThread = new AtomicLong();
        final AtomicInteger completed = new AtomicInteger();
        final PartitionBatcher batcher = new PartitionBatcher((p, buf) -> CompletableFuture.completedFuture(0L),
            PooledByteBufAllocator.DEFAULT, 1 << 20, 0, 1, TestListeners.FAIL_ON_FAILURE);
        final double[] publishNs = new double[rounds];
        final double[] batchNs = new double[rounds];
        int[] counts = new int[1024];
        try (IngestRing ring = new IngestRing(1 << 16, batcher, 0, r -> {
            final Thread t = new Thread(r, "bench-batcher");
            t.setDaemon(true);
            batcherThread.set(t.threadId());
            return t;
        }, new FatalExceptionHandler())) {
            batcher.answerSignal(ring::signal);
            for (int round = -1; round < rounds; round++) {
                final List<IngestRequest> requests = new ArrayList<>();
                long samples = 0;
                for (final byte[] b : bodies) {
                    final StagedSamples s = new StagedSamples(PooledByteBufAllocator.DEFAULT, PARTITIONS, 1_000_000);
                    final ParseStatus status = format.equals("rw") ? decoder.decodeProtobuf(b, 0, b.length, s)
                        : influx.parse(b, 0, b.length, InfluxPrecision.MS, 0, s);
                    if (status != ParseStatus.COMPLETE) {
                        throw new IllegalStateException("bench body did not parse");
                    }
                    counts = s.groupBySeries(counts);
                    samples += s.sampleCount();
                    requests.add(new IngestRequest(s, 0, (req, f) -> completed.incrementAndGet()));
                }
                completed.set(0);
                final long b0 = threads.getThreadCpuTime(batcherThread.get());
                final long p0 = threads.getCurrentThreadCpuTime();
                for (final IngestRequest r : requests) {
                    ring.publish(r);
                }
                final long p1 = threads.getCurrentThreadCpuTime();
                while (completed.get() < requests.size()) {
                    Thread.onSpinWait();
                }
                final long b1 = threads.getThreadCpuTime(batcherThread.get());
                if (round >= 0) {
                    publishNs[round] = (p1 - p0) / (double) samples;
                    batchNs[round] = (b1 - b0) / (double) samples;
                }
            }
        }
        Arrays.sort(publishNs);
        Arrays.sort(batchNs);
        System.out.println(String.format(Locale.ROOT,
            "%s ns/sample median (min) over %d rounds: publish %.1f (%.1f); batcher thread %.1f (%.1f)", format,
            rounds, publishNs[rounds / 2], publishNs[0], batchNs[rounds / 2], batchNs[0]));
    }
}
