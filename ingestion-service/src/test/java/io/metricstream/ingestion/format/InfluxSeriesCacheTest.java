package io.metricstream.ingestion.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.testsupport.Seeds;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Influx parser's cross-request series cache: a parser that has seen a series parses a body exactly as a fresh
 * parser does (same rows, keys, partitions and skipped values; same error line, field and reason for an invalid
 * body), however series repeat within and across bodies, whatever each request's partition count and client id,
 * and after the cache filled and forgot its entries.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InfluxSeriesCacheTest {
    // 4 labels with __name__, names and values up to 16 bytes: small enough that the pool breaks each limit
    private static final ParseLimits LIMITS = new ParseLimits(4, 16, 16, 100_000, 1 << 20);
    private static final List<String> SERIES = List.of(
        "cpu", "cpu,host=a", "cpu,host=a,job=x", "cpu,job=x,host=a", "disk.io,host=a", "cpu,host=a\\ b",
        "cpu,host=a\\,b", "cpu,ho\\=st=a", "m-1,x.y=z", "cpu,host=é日本",
        // invalid: empty measurement or tag value, reserved, bad or duplicate or too many labels, too long
        ",host=a", "cpu,host=", "cpu,__x=a", "cpu,bad!=x", "cpu,a=1,a=2", "cpu,a=1,b=2,c=3,d=4",
        "cpu,a=xxxxxxxxxxxxxxxxxxxxxxxxx", "cpu,aaaaaaaaaaaaaaaaaaaaa=x", "1cpu", "m\\,x,host=a", "cpu,host",
        "cpu,host=\\", "verylongmeasurementname");
    private static final List<String> FIELDS = List.of(
        "value=1.5", "v=2i", "a=1,b=2", "s=\"str\",v=3", "value=t", "n=12u", "x.y=1", "9=1", "v=1,v=2",
        "s=\"only a string\"",
        // invalid: bad value, name, missing '=' or value
        "bad=xyz", "f!=1", "v", "v=", "=1", "v=1,");
    private static final List<String> TIMESTAMPS = List.of("", " 1700000000000", " -5", " 12", "  7  ", " abc",
        " 1 extra");

    private static String line(final SplittableRandom r) {
        // mostly valid parts, so most bodies get through to later lines
        final String series = SERIES.get(r.nextInt(4) == 0 ? r.nextInt(SERIES.size()) : r.nextInt(10));
        final String fields = FIELDS.get(r.nextInt(4) == 0 ? r.nextInt(FIELDS.size()) : r.nextInt(10));
        final String ts = TIMESTAMPS.get(r.nextInt(4) == 0 ? r.nextInt(TIMESTAMPS.size()) : r.nextInt(5));
        return series + " " + fields + ts;
    }

    private static byte[] body(final SplittableRandom r) {
        final StringBuilder sb = new StringBuilder();
        final int n = 1 + r.nextInt(8);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(10)) {
                case 0 -> sb.append("# comment\n");
                case 1 -> sb.append('\n');
                default -> { }
            }
            sb.append(line(r)).append(r.nextInt(5) == 0 ? "\r\n" : "\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The request's staging: its partition count, client id and sample bound vary per request. */
    private record Request(int partitions, long clientHash, boolean hasClient, int maxSamples) {
        static Request random(final SplittableRandom r) {
            return new Request(1 + r.nextInt(8), r.nextLong(), r.nextInt(4) == 0,
                r.nextInt(8) == 0 ? 1 + r.nextInt(4) : 1000);
        }

        StagedSamples staging() {
            final StagedSamples s = StagedContent.staging(partitions, maxSamples);
            if (hasClient) {
                s.clientHash(clientHash);
            }
            return s;
        }
    }

    /** Parses {@code b} with {@code parser} and with a fresh parser; both outcomes must be equal. */
    private static boolean assertSameAsFresh(final InfluxLineParser parser, final boolean skipSingleField,
                                             final byte[] b, final Request req, final String context) {
        final InfluxLineParser fresh = new InfluxLineParser(LIMITS, skipSingleField);
        final StagedSamples want = req.staging();
        final StagedSamples got = req.staging();
        try {
            final ParseStatus wantStatus = fresh.parse(b, 0, b.length, InfluxPrecision.MS, 42, want);
            final ParseStatus gotStatus = parser.parse(b, 0, b.length, InfluxPrecision.MS, 42, got);
            final String where = context + " body:\n" + new String(b, StandardCharsets.UTF_8);
            assertEquals(wantStatus, gotStatus, where);
            if (wantStatus == ParseStatus.ERROR) {
                assertEquals(fresh.error(), parser.error(), where);
                return false;
            }
            assertEquals(StagedContent.rows(want), StagedContent.rows(got), where);
            assertEquals(want.skippedValues(), got.skippedValues(), where);
            return true;
        } finally {
            want.release();
            got.release();
        }
    }

    @Test
    void shouldParseAsAFreshParserWhenSeriesRepeatAcrossBodies() {
        final long seed = Seeds.seed();
        final SplittableRandom r = new SplittableRandom(seed);
        for (final boolean skipSingleField : new boolean[] {false, true}) {
            final InfluxLineParser warm = new InfluxLineParser(LIMITS, skipSingleField);
            int errors = 0;
            for (int round = 0; round < 2000; round++) {
                if (!assertSameAsFresh(warm, skipSingleField, body(r), Request.random(r),
                    "seed=" + seed + " skipSingleField=" + skipSingleField + " round " + round)) {
                    errors++;
                }
            }
            assertTrue(errors > 0 && errors < 2000, "the pool should give both outcomes: errors=" + errors);
        }
    }

    @Test
    void shouldParseAsAFreshParserWhenSeriesOutnumberTheCache() {
        final long seed = Seeds.seed();
        final SplittableRandom r = new SplittableRandom(seed);
        final InfluxLineParser warm = new InfluxLineParser(ParseLimits.DEFAULT, false);
        final int distinct = RawSeriesCache.SLOTS;
        for (int round = 0; round < 6; round++) {
            // bodies of 1,000 lines over more series than the cache holds (it forgets all when half full), with
            // repeats within each body and across bodies
            final StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 1000; i++) {
                sb.append("m,host=h").append(r.nextInt(distinct)).append(" value=").append(i).append(' ')
                    .append(round).append('\n');
                if (r.nextInt(3) == 0) {
                    sb.append("m,host=h").append(r.nextInt(16)).append(" value=1,other=2\n");
                }
            }
            final Request req = new Request(1 + r.nextInt(8), 0, false, 100_000);
            for (int pass = 0; pass < 12; pass++) {
                assertTrue(assertSameAsFresh(warm, false, sb.toString().getBytes(StandardCharsets.UTF_8), req,
                    "seed=" + seed + " round " + round + " pass " + pass));
            }
        }
    }
}
