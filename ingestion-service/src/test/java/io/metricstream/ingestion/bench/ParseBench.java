package io.metricstream.ingestion.bench;

import io.metricstream.ingestion.format.InfluxLineParser;
import io.metricstream.ingestion.format.InfluxPrecision;
import io.metricstream.ingestion.format.ParseLimits;
import io.metricstream.ingestion.format.RemoteWriteDecoder;
import io.metricstream.ingestion.format.StagedSamples;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

/**
 * CPU cost per sample of parsing alone (one thread, thread CPU time, so other load on the machine matters less):
 * {@code java -cp ... io.metricstream.ingestion.bench.ParseBench [hours]}.
 */
public final class ParseBench {
    private ParseBench() {
    }

    /** Entry point. */
    public static void main(final String[] args) throws Exception {
        final String hours = args.length > 0 ? args[0] : "2";
        final List<byte[]> lp = IngestBench.influxBodies(hours);
        final List<byte[]> rw = IngestBench.remoteWriteBodies(hours);
        final InfluxLineParser influx = new InfluxLineParser(ParseLimits.DEFAULT, false);
        final RemoteWriteDecoder decoder = new RemoteWriteDecoder(ParseLimits.DEFAULT);
        final StagedSamples s = new StagedSamples(UnpooledByteBufAllocator.DEFAULT, 8, 1_000_000);
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 5; round++) {
            long cpu = threads.getCurrentThreadCpuTime();
            long samples = 0;
            for (final byte[] b : lp) {
                s.reset(8);
                influx.parse(b, 0, b.length, InfluxPrecision.MS, 0, s);
                samples += s.sampleCount();
            }
            final double lpNs = (threads.getCurrentThreadCpuTime() - cpu) / (double) samples;
            cpu = threads.getCurrentThreadCpuTime();
            samples = 0;
            for (final byte[] b : rw) {
                s.reset(8);
                decoder.decode(b, 0, b.length, s);
                samples += s.sampleCount();
            }
            final double rwNs = (threads.getCurrentThreadCpuTime() - cpu) / (double) samples;
            System.out.printf(Locale.ROOT, "round %d: influx %.0f ns/sample (%.2f M/s/core), remote write %.0f "
                + "ns/sample (%.2f M/s/core)%n", round, lpNs, 1e3 / lpNs, rwNs, 1e3 / rwNs);
        }
        s.release();
    }
}
