package io.metricstream.ingestion.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.testsupport.Seeds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The remote-write decoder's cross-request series cache: a decoder that has seen a series decodes it exactly as a
 * decoder that has not (same rows, keys, partitions; same error, index and field for an invalid series), however
 * series repeat within and across requests, and a label sent after the samples is never hidden by a cached prefix.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RawSeriesCacheTest {
    // 4 labels, names and values up to 16 bytes: small enough that the pool breaks each limit
    private static final ParseLimits LIMITS = new ParseLimits(4, 16, 16, 100_000, 1 << 20);
    private static final int PARTITIONS = 8;

    /** A TimeSeries as sent: leading labels, then samples, then optionally labels after the samples. */
    private record Spec(List<String[]> labels, List<String[]> late) {
    }

    private static List<String[]> labels(final String... kv) {
        final List<String[]> l = new ArrayList<>();
        for (int i = 0; i < kv.length; i += 2) {
            l.add(new String[] {kv[i], kv[i + 1]});
        }
        return l;
    }

    private static List<Spec> pool() {
        final List<Spec> p = new ArrayList<>();
        final String[] valid = {"up", "node_cpu", "http_requests_total", "a:b"};
        for (final String m : valid) {
            p.add(new Spec(labels("__name__", m, "job", "api", "host", "h1"), List.of()));
            p.add(new Spec(labels("host", "h2", "__name__", m), List.of()));
            p.add(new Spec(labels("__name__", m, "empty", ""), List.of()));
        }
        // invalid ones: every check of the label path
        p.add(new Spec(labels("job", "x"), List.of()));
        p.add(new Spec(labels("__name__", "1bad"), List.of()));
        p.add(new Spec(labels("__name__", "m", "b-ad", "x"), List.of()));
        p.add(new Spec(labels("__name__", "m", "__x", "x"), List.of()));
        p.add(new Spec(labels("__name__", "m", "a", "1", "a", "2"), List.of()));
        p.add(new Spec(labels("__name__", "m", "a", "1", "b", "2", "c", "3", "d", "4"), List.of()));
        p.add(new Spec(labels("__name__", "m", "a", "xxxxxxxxxxxxxxxxxxxxxxxxx"), List.of()));
        p.add(new Spec(labels("__name__", "m", "aaaaaaaaaaaaaaaaaaaaa", "x"), List.of()));
        // the leading labels of a valid series, then more labels after the samples: valid, duplicate, too many
        p.add(new Spec(labels("__name__", "up", "job", "api", "host", "h1"), labels("zone", "z1")));
        p.add(new Spec(labels("__name__", "up", "job", "api", "host", "h1"), labels("job", "other")));
        p.add(new Spec(labels("__name__", "up", "job", "api", "host", "h1"), labels("a", "1", "b", "2")));
        p.add(new Spec(labels("host", "h2", "__name__", "up"), labels("bad-name", "v")));
        p.add(new Spec(labels("__name__", "up"), labels("__name__", "up")));
        return p;
    }

    private static byte[] timeSeries(final Spec spec, final long[] ts, final long[] bits) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(RemoteWriteEncoder.timeSeries(new RemoteWriteEncoder.Series(spec.labels(), ts, bits)));
        for (final String[] l : spec.late()) {
            final ByteArrayOutputStream label = new ByteArrayOutputStream();
            RemoteWriteEncoder.string(label, 1, l[0]);
            RemoteWriteEncoder.string(label, 2, l[1]);
            RemoteWriteEncoder.tag(out, 1, 2);
            RemoteWriteEncoder.varint(out, label.size());
            out.writeBytes(label.toByteArray());
        }
        return out.toByteArray();
    }

    private static byte[] request(final List<byte[]> series) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] s : series) {
            RemoteWriteEncoder.tag(out, 1, 2);
            RemoteWriteEncoder.varint(out, s.length);
            out.writeBytes(s);
        }
        return out.toByteArray();
    }

    @Test
    void shouldDecodeAsAnUncachedDecoderWhenSeriesRepeatAcrossRequests() {
        final long seed = Seeds.seed();
        final SplittableRandom r = new SplittableRandom(seed);
        final List<Spec> pool = pool();
        final RemoteWriteDecoder warm = new RemoteWriteDecoder(LIMITS);
        int errors = 0;
        for (int round = 0; round < 400; round++) {
            final int n = 1 + r.nextInt(6);
            final List<byte[]> series = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // mostly valid series, so most requests get through to later series
                final Spec spec = pool.get(r.nextInt(4) == 0 ? r.nextInt(pool.size()) : r.nextInt(12));
                final int samples = r.nextInt(4);
                final long[] ts = new long[samples];
                final long[] bits = new long[samples];
                for (int k = 0; k < samples; k++) {
                    ts[k] = r.nextLong();
                    bits[k] = r.nextLong();
                }
                series.add(timeSeries(spec, ts, bits));
            }
            // the reference: each TimeSeries alone through a fresh decoder (nothing cached, nothing repeated)
            final List<StagedContent.Row> want = new ArrayList<>();
            ParseError wantError = null;
            for (int i = 0; i < n && wantError == null; i++) {
                final RemoteWriteDecoder fresh = new RemoteWriteDecoder(LIMITS);
                final byte[] one = request(List.of(series.get(i)));
                final StagedSamples s = StagedContent.staging(PARTITIONS, LIMITS.maxSamplesPerRequest());
                if (fresh.decodeProtobuf(one, 0, one.length, s) == ParseStatus.ERROR) {
                    final ParseError e = fresh.error();
                    wantError = new ParseError(i, e.line(), e.field().replace("timeseries[0]", "timeseries[" + i + "]"),
                        e.reason());
                } else {
                    want.addAll(StagedContent.rows(s));
                }
                s.release();
            }
            final byte[] body = request(series);
            final StagedSamples got = StagedContent.staging(PARTITIONS, LIMITS.maxSamplesPerRequest());
            final ParseStatus status = warm.decodeProtobuf(body, 0, body.length, got);
            if (wantError != null) {
                errors++;
                assertEquals(ParseStatus.ERROR, status, "seed=" + seed + " round " + round);
                assertEquals(wantError, warm.error(), "seed=" + seed + " round " + round);
            } else {
                assertEquals(ParseStatus.COMPLETE, status, () -> "seed=" + seed + " " + warm.error());
                assertEquals(want, StagedContent.rows(got), "seed=" + seed + " round " + round);
            }
            got.release();
        }
        assertTrue(errors > 0 && errors < 400, "the pool should give both outcomes: errors=" + errors);
    }

    @Test
    void shouldReportLateDuplicateLabelWhenLeadingLabelsAreCached() {
        final RemoteWriteDecoder d = new RemoteWriteDecoder(LIMITS);
        final Spec known = new Spec(labels("__name__", "up", "job", "api"), List.of());
        final byte[] first = request(List.of(timeSeries(known, new long[] {1}, new long[] {2})));
        assertEquals(ParseStatus.COMPLETE, d.decodeProtobuf(first, 0, first.length,
            StagedContent.staging(PARTITIONS, 10)));
        final Spec sneaky = new Spec(known.labels(), labels("job", "other"));
        final byte[] second = request(List.of(timeSeries(sneaky, new long[] {1}, new long[] {2})));
        assertEquals(ParseStatus.ERROR, d.decodeProtobuf(second, 0, second.length,
            StagedContent.staging(PARTITIONS, 10)));
        assertEquals("timeseries[0].labels[2].name", d.error().field());
        assertTrue(d.error().reason().contains("duplicate label"), d.error().toString());
    }

    @Test
    void shouldForgetEverythingWhenFullAndKeepFindingWhatFollows() {
        final RawSeriesCache cache = new RawSeriesCache();
        final ByteBuf keys = Unpooled.buffer();
        for (int i = 0; i < RawSeriesCache.SLOTS; i++) {
            final byte[] raw = ("series-" + i).getBytes(StandardCharsets.UTF_8);
            final long h = io.metricstream.contracts.wire.Hashing.hash64(raw, 0, raw.length);
            assertFalse(cache.find(h, raw, 0, raw.length));
            keys.clear().writeBytes(raw).writeInt(i);
            cache.put(h, raw, 0, raw.length, keys, 0, keys.readableBytes(), i);
            assertTrue(cache.size() <= RawSeriesCache.SLOTS / 2);
            assertTrue(cache.find(h, raw, 0, raw.length));
            assertEquals(i, cache.keyHash());
            final int k = cache.keyAt() + raw.length;
            assertEquals(i, (cache.keyBytes()[k] & 0xff) << 24 | (cache.keyBytes()[k + 1] & 0xff) << 16
                | (cache.keyBytes()[k + 2] & 0xff) << 8 | cache.keyBytes()[k + 3] & 0xff);
        }
        final byte[] first = "series-0".getBytes(StandardCharsets.UTF_8);
        assertFalse(cache.find(io.metricstream.contracts.wire.Hashing.hash64(first, 0, first.length), first, 0,
            first.length), "forgotten when the cache filled");
    }
}
