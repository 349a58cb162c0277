package io.metricstream.ingestion.ring;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.FatalExceptionHandler;
import io.metricstream.ingestion.format.InfluxLineParser;
import io.metricstream.ingestion.format.InfluxPrecision;
import io.metricstream.ingestion.format.ParseLimits;
import io.metricstream.ingestion.format.ParseStatus;
import io.metricstream.ingestion.format.RemoteWriteDecoder;
import io.metricstream.ingestion.format.RemoteWriteEncoder;
import io.metricstream.ingestion.format.StagedSamples;
import io.metricstream.testsupport.AllocationAssert;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Steady-state parse + publish allocates about nothing per sample once warm (STYLE point 13). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IngestRingAllocationTest {
    private static final int LINES = 100;

    /** Counts consumed samples; seals requests like the batcher does. */
    private static final class CountingHandler implements EventHandler<SeriesRunEvent> {
        final AtomicLong consumed = new AtomicLong();
        private long samples;

        @Override
        public void onEvent(final SeriesRunEvent e, final long sequence, final boolean endOfBatch) {
            samples += e.count();
            if (e.last()) {
                e.request().sealed();
            }
            e.clear();
            consumed.lazySet(samples);
        }
    }

    private static IngestRing ring(final CountingHandler h) {
        return new IngestRing(1024, h, 0, r -> {
            final Thread t = new Thread(r, "alloc-test-consumer");
            t.setDaemon(true);
            return t;
        }, new FatalExceptionHandler());
    }

    private static void awaitConsumed(final CountingHandler h, final long target) {
        while (h.consumed.get() < target) {
            Thread.onSpinWait();
        }
    }

    @Test
    void shouldAllocateAlmostNothingPerSampleWhenInfluxParsedAndPublished() {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < LINES; i++) {
            sb.append("node_cpu,host=h").append(i).append(",region=us-east,job=api value=").append(i)
                .append(".25 ").append(1_700_000_000_000L + i * 15_000L).append('\n');
        }
        final byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
        final InfluxLineParser parser = new InfluxLineParser(ParseLimits.DEFAULT, false);
        final StagedSamples staged = new StagedSamples(UnpooledByteBufAllocator.DEFAULT, 8, 10_000);
        final CountingHandler h = new CountingHandler();
        final IngestRequest[] request = new IngestRequest[1];
        final long[] published = new long[1];
        try (IngestRing ring = ring(h)) {
            final Runnable op = () -> {
                staged.reset(8);
                if (parser.parse(body, 0, body.length, InfluxPrecision.MS, 0, staged) != ParseStatus.COMPLETE) {
                    throw new AssertionError(parser.error());
                }
                if (request[0] == null) {
                    request[0] = new IngestRequest(staged, 0, (r, f) -> { });
                }
                request[0].resetForReuse();
                ring.publish(request[0]);
                published[0] += LINES;
                awaitConsumed(h, published[0]);
            };
            final double perOp = AllocationAssert.bytesPerOperation(op, 5_000, 20_000);
            assertTrue(perOp / LINES < 1.0, "allocates " + perOp / LINES + " bytes per sample");
        } finally {
            staged.release();
        }
    }

    @Test
    void shouldAllocateAlmostNothingPerSampleWhenRemoteWriteDecodedAndPublished() {
        final List<RemoteWriteEncoder.Series> series = new ArrayList<>();
        for (int i = 0; i < LINES; i++) {
            series.add(new RemoteWriteEncoder.Series(List.of(new String[] {"__name__", "node_cpu"},
                new String[] {"host", "h" + i}, new String[] {"job", "api"}), new long[] {1, 2},
                new long[] {Double.doubleToRawLongBits(i), Double.doubleToRawLongBits(i + 0.5)}));
        }
        final byte[] body = RemoteWriteEncoder.body(series);
        final RemoteWriteDecoder decoder = new RemoteWriteDecoder(ParseLimits.DEFAULT);
        final StagedSamples staged = new StagedSamples(UnpooledByteBufAllocator.DEFAULT, 8, 10_000);
        final CountingHandler h = new CountingHandler();
        final IngestRequest[] request = new IngestRequest[1];
        final long[] published = new long[1];
        try (IngestRing ring = ring(h)) {
            final Runnable op = () -> {
                staged.reset(8);
                if (decoder.decode(body, 0, body.length, staged) != ParseStatus.COMPLETE) {
                    throw new AssertionError(decoder.error());
                }
                if (request[0] == null) {
                    request[0] = new IngestRequest(staged, 0, (r, f) -> { });
                }
                request[0].resetForReuse();
                ring.publish(request[0]);
                published[0] += 2 * LINES;
                awaitConsumed(h, published[0]);
            };
            final double perOp = AllocationAssert.bytesPerOperation(op, 5_000, 20_000);
            assertTrue(perOp / (2 * LINES) < 1.0, "allocates " + perOp / (2 * LINES) + " bytes per sample");
        } finally {
            staged.release();
        }
    }
}
