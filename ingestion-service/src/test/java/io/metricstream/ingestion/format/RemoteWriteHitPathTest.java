package io.metricstream.ingestion.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.testsupport.Seeds;
import io.netty.buffer.ByteBufUtil;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The remote-write decoder's one-pass path for series its cache knows stages exactly what the checking path
 * stages, and reports the same first error: series whose cached labels are followed by a late label (valid or
 * not), a malformed field, a bad sample or one sample too many are undone and leave no trace in the staging.
 * A decoder whose cache knows every series (warmed by an earlier body) is compared with a fresh one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RemoteWriteHitPathTest {
    private static final ParseLimits LIMITS = new ParseLimits(6, 32, 32, 40, 1 << 20);
    private static final int MAX_SAMPLES = LIMITS.maxSamplesPerRequest();

    @Test
    void shouldStageAndRejectAsTheCheckingPathWhenCachedSeriesEndBadly() {
        final long seed = Seeds.seed();
        System.out.println("RemoteWriteHitPathTest seed " + seed);
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 2_000; round++) {
            final int seriesCount = 1 + rnd.nextInt(6);
            final List<List<String[]>> labels = new ArrayList<>();
            for (int i = 0; i < seriesCount; i++) {
                labels.add(randomLabels(rnd, i));
            }
            final RemoteWriteDecoder warm = new RemoteWriteDecoder(LIMITS);
            final byte[] warmBody = warmBody(labels);
            final StagedSamples warmUp = StagedContent.staging(4, MAX_SAMPLES);
            assertEquals(ParseStatus.COMPLETE, warm.decodeProtobuf(warmBody, 0, warmBody.length, warmUp),
                "seed " + seed + " round " + round + ": " + warm.error());
            final byte[] body = body(rnd, labels);
            // twice: an undone series must not have left the cache or the decoder in another state
            for (int pass = 0; pass < 2; pass++) {
                final String where = "seed " + seed + " round " + round + " pass " + pass;
                final RemoteWriteDecoder fresh = new RemoteWriteDecoder(LIMITS);
                final StagedSamples want = StagedContent.staging(4, MAX_SAMPLES);
                final StagedSamples got = StagedContent.staging(4, MAX_SAMPLES);
                final ParseStatus wantStatus = fresh.decodeProtobuf(body, 0, body.length, want);
                final ParseStatus gotStatus = warm.decodeProtobuf(body, 0, body.length, got);
                assertEquals(wantStatus, gotStatus, where);
                assertEquals(String.valueOf(fresh.error()), String.valueOf(warm.error()), where);
                assertEquals(want.sampleCount(), got.sampleCount(), where);
                assertEquals(want.skippedValues(), got.skippedValues(), where);
                if (wantStatus == ParseStatus.COMPLETE) {
                    assertEquals(StagedContent.rows(want), StagedContent.rows(got), where);
                    assertArrayEquals(ByteBufUtil.getBytes(want.keys()), ByteBufUtil.getBytes(got.keys()), where);
                    for (int i = 0; i < want.sampleCount(); i++) {
                        assertEquals(want.keyAt(i), got.keyAt(i), where);
                    }
                    final int[] counts = new int[4];
                    want.groupBySeries(counts);
                    got.groupBySeries(counts);
                    assertEquals(StagedContent.rows(want), StagedContent.rows(got), where);
                }
                want.release();
                got.release();
            }
            warmUp.release();
        }
    }

    private static List<String[]> randomLabels(final SplittableRandom rnd, final int i) {
        final List<String[]> l = new ArrayList<>();
        l.add(new String[] {"__name__", "m" + i});
        final int extra = rnd.nextInt(4);
        for (int k = 0; k < extra; k++) {
            l.add(new String[] {"l" + k, "v" + rnd.nextInt(3)});
        }
        // senders need not sort; the decoder sorts
        for (int k = l.size() - 1; k > 0; k--) {
            final int j = rnd.nextInt(k + 1);
            final String[] t = l.get(k);
            l.set(k, l.get(j));
            l.set(j, t);
        }
        return l;
    }

    /** Every series once, labels then one sample: what puts them all in the cache. */
    private static byte[] warmBody(final List<List<String[]>> labels) {
        final List<RemoteWriteEncoder.Series> s = new ArrayList<>();
        for (final List<String[]> l : labels) {
            s.add(new RemoteWriteEncoder.Series(l, new long[] {1}, new long[] {2}));
        }
        return RemoteWriteEncoder.writeRequest(s);
    }

    /** Each series a few times, with the same leading labels and a random tail after its samples. */
    private static byte[] body(final SplittableRandom rnd, final List<List<String[]>> labels) {
        final ByteArrayOutputStream req = new ByteArrayOutputStream();
        final int n = 1 + rnd.nextInt(8);
        for (int i = 0; i < n; i++) {
            final List<String[]> l = labels.get(rnd.nextInt(labels.size()));
            final int samples = rnd.nextInt(rnd.nextInt(10) == 0 ? MAX_SAMPLES / 2 : 5);
            final long[] ts = new long[samples];
            final long[] bits = new long[samples];
            for (int k = 0; k < samples; k++) {
                ts[k] = rnd.nextLong(1L << 40);
                bits[k] = rnd.nextLong();
            }
            final ByteArrayOutputStream series = new ByteArrayOutputStream();
            series.writeBytes(RemoteWriteEncoder.timeSeries(new RemoteWriteEncoder.Series(l, ts, bits)));
            tail(rnd, series);
            RemoteWriteEncoder.tag(req, 1, 2);
            RemoteWriteEncoder.varint(req, series.size());
            req.writeBytes(series.toByteArray());
        }
        return req.toByteArray();
    }

    private static void tail(final SplittableRandom rnd, final ByteArrayOutputStream series) {
        final int k = rnd.nextInt(12);
        switch (k) {
            case 0 -> label(series, "late", "ok"); // valid late label: a different series, not cached
            case 1 -> label(series, "bad-name", "x"); // invalid late label
            case 2 -> label(series, "l0", "dup"); // duplicate of a leading label, or a new one
            case 3 -> { // a Label field with the wrong wire type
                RemoteWriteEncoder.tag(series, 1, 0);
                RemoteWriteEncoder.varint(series, 7);
            }
            case 4 -> { // a sample whose double is cut short
                RemoteWriteEncoder.tag(series, 2, 2);
                RemoteWriteEncoder.varint(series, 3);
                RemoteWriteEncoder.tag(series, 1, 1);
                series.write(1);
                series.write(2);
            }
            case 5 -> { // a sample whose length runs past the series
                RemoteWriteEncoder.tag(series, 2, 2);
                RemoteWriteEncoder.varint(series, 50);
            }
            case 6 -> series.write(0x80); // a truncated tag
            case 7 -> { // a native histogram, then more samples: skipped and counted
                RemoteWriteEncoder.tag(series, 4, 2);
                RemoteWriteEncoder.varint(series, 2);
                series.write(8);
                series.write(1);
                series.writeBytes(sampleField(5, 6));
            }
            case 8 -> { // an unknown field with an unknown wire type
                RemoteWriteEncoder.tag(series, 9, 7);
            }
            case 9 -> { // an exemplar, then a late label after it
                RemoteWriteEncoder.tag(series, 3, 2);
                RemoteWriteEncoder.varint(series, 0);
                label(series, "zz", "late");
            }
            default -> { // nothing: a plain series
            }
        }
    }

    private static void label(final ByteArrayOutputStream series, final String name, final String value) {
        final ByteArrayOutputStream label = new ByteArrayOutputStream();
        RemoteWriteEncoder.string(label, 1, name);
        RemoteWriteEncoder.string(label, 2, value);
        RemoteWriteEncoder.tag(series, 1, 2);
        RemoteWriteEncoder.varint(series, label.size());
        series.writeBytes(label.toByteArray());
    }

    private static byte[] sampleField(final long ts, final long bits) {
        final ByteArrayOutputStream sample = new ByteArrayOutputStream();
        RemoteWriteEncoder.tag(sample, 1, 1);
        for (int k = 0; k < 8; k++) {
            sample.write((int) (bits >>> (8 * k)) & 0xff);
        }
        RemoteWriteEncoder.tag(sample, 2, 0);
        RemoteWriteEncoder.varint(sample, ts);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        RemoteWriteEncoder.tag(out, 2, 2);
        RemoteWriteEncoder.varint(out, sample.size());
        out.writeBytes(sample.toByteArray());
        return out.toByteArray();
    }
}
