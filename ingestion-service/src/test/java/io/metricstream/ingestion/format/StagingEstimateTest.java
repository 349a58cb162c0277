package io.metricstream.ingestion.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link StagingEstimate} reserves what the last body of the same size needed, within its bounds. */
class StagingEstimateTest {
    private static final int INITIAL = 1024;

    @Test
    void shouldReserveWhatTheLastBodyNeededWhenTheNextIsAlike() {
        final StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            lines.append("cpu,host=h").append(i % 300).append(",dc=eu usage=").append(i).append(' ').append(i)
                .append('\n');
        }
        final byte[] body = lines.toString().getBytes(StandardCharsets.UTF_8);
        final InfluxLineParser parser = new InfluxLineParser(ParseLimits.DEFAULT, false);
        final StagedSamples first = StagedContent.staging(4, 100_000);
        assertEquals(ParseStatus.COMPLETE, parser.parse(body, 0, body.length, InfluxPrecision.MS, 0, first));
        final StagingEstimate estimate = new StagingEstimate();
        estimate.learn(first, body.length);
        final StagedSamples next = StagedContent.staging(4, 100_000);
        estimate.reserve(next, body.length);
        // within the fixed-point rounding of the ratios (1/256 byte per body byte)
        final int slack = body.length / 256 + 1;
        assertTrue(next.keys().writableBytes() >= first.keyBytes() - slack, next.keys().writableBytes() + " keys");
        assertTrue(next.capacityBytes() >= first.stagedBytes() - 2 * slack, next.capacityBytes() + " bytes");
        assertEquals(0, next.stagedBytes());
        first.release();
        next.release();
    }

    @Test
    void shouldReserveNothingWhenBodiesAreSmallOrNothingWasLearnt() {
        final StagingEstimate estimate = new StagingEstimate();
        final StagedSamples s = StagedContent.staging(4, 100_000);
        final int initial = s.capacityBytes();
        estimate.reserve(s, 1 << 20);
        assertEquals(initial, s.capacityBytes());
        final StagedSamples dense = staged(500, 300);
        estimate.learn(dense, StagingEstimate.MIN_BODY_BYTES - 1);
        estimate.reserve(s, 1 << 20);
        assertEquals(initial, s.capacityBytes());
        estimate.learn(dense, StagingEstimate.MIN_BODY_BYTES);
        estimate.reserve(s, StagingEstimate.MIN_BODY_BYTES - 1);
        assertEquals(initial, s.capacityBytes());
        dense.release();
        s.release();
    }

    @Test
    void shouldBoundTheReservationByTheRatiosAndMaxSamplesWhenALastBodyWasDense() {
        final StagingEstimate estimate = new StagingEstimate();
        // 4,096 samples and 8,192 key bytes from a 4,096-byte body: ratios 40 and 2 per body byte
        final StagedSamples dense = staged(4_096, 8_192);
        estimate.learn(dense, 4_096);
        final StagedSamples s = StagedContent.staging(4, 1_000_000);
        estimate.reserve(s, 8_192);
        final int entryBound = StagingEstimate.MAX_ENTRY_RATIO * 8_192;
        final int keyBound = StagingEstimate.MAX_KEY_RATIO * 8_192;
        assertTrue(s.keys().writableBytes() >= keyBound);
        assertTrue(s.capacityBytes() <= 2 * (entryBound + keyBound), s.capacityBytes() + " bytes");
        // a huge body after a small dense one reserves at most twice what the small one staged
        final StagedSamples huge = StagedContent.staging(4, 1_000_000);
        estimate.reserve(huge, 1 << 24);
        final int last = 4_096 * StagedSamples.ENTRY_LENGTH + 8_192;
        assertTrue(huge.capacityBytes() <= 2 * 2 * last, huge.capacityBytes() + " bytes");
        huge.release();
        final StagedSamples few = StagedContent.staging(4, 10);
        estimate.reserve(few, 8_192);
        assertTrue(few.capacityBytes() - few.keys().capacity() <= INITIAL, few.capacityBytes() + " bytes");
        dense.release();
        s.release();
        few.release();
    }

    /** A staging holding {@code samples} samples of one series whose key is {@code keyBytes} long. */
    private static StagedSamples staged(final int samples, final int keyBytes) {
        final StagedSamples s = StagedContent.staging(4, 1_000_000);
        s.keys().writeZero(keyBytes);
        s.endSeries(0);
        for (int i = 0; i < samples; i++) {
            s.addSample(i, i);
        }
        return s;
    }
}
