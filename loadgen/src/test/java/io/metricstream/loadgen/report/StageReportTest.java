package io.metricstream.loadgen.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metricstream.loadgen.verify.VerifyResult;
import io.metricstream.testsupport.Seeds;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StageReportTest {
    private static StageReport report(final Histogram h) {
        return new StageReport("s1", "http://127.0.0.1:1/write", "lp", "open", 2, 100, 2_000_000_000L,
            Map.of(204, 90L, 503, 10L), Map.of(204, 9000L, 503, 1000L), Map.of(503, List.of("queue slow")),
            9000, 90, 10, 0, 123_456, h, h.copy());
    }

    /** The nearest-rank percentile of a sorted array (the rank rounded up, as HdrHistogram does): the oracle. */
    private static long oracle(final long[] sorted, final double percentile) {
        final int rank = (int) Math.ceil(Math.nextDown(percentile) / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    @Test
    void shouldMatchSortedArrayOracleWhenComputingPercentiles() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int trial = 0; trial < 50; trial++) {
            final int n = 1 + rnd.nextInt(20_000);
            final long[] values = new long[n];
            final Histogram h = new Histogram(3_600_000_000L, 3);
            for (int i = 0; i < n; i++) {
                // log-uniform between 1 µs and 10 s, like real latencies
                values[i] = (long) Math.exp(rnd.nextDouble() * Math.log(10_000_000));
                h.recordValue(values[i]);
            }
            Arrays.sort(values);
            final StageReport r = report(h);
            for (double p : StageReport.PERCENTILES) {
                final double expectedMs = oracle(values, p) / 1000.0;
                final double got = r.responseMs(p);
                // HdrHistogram with 3 significant digits: within 0.1% (+1 µs for tiny values)
                assertEquals(expectedMs, got, expectedMs * 0.001 + 0.001,
                    "seed=" + seed + " trial=" + trial + " n=" + n + " p" + p);
            }
            assertEquals(values[n - 1] / 1000.0, h.getMaxValue() / 1000.0, values[n - 1] * 0.001 / 1000 + 0.001);
        }
    }

    @Test
    void shouldDeriveRatesWhenElapsedIsKnown() {
        final StageReport r = report(new Histogram(3_600_000_000L, 3));
        assertEquals(4500, r.samplesPerSecond(), 1e-9);
        assertEquals(50, r.requestsPerSecond(), 1e-9);
        assertEquals(90, r.successPercent(), 1e-9);
        assertEquals(0, r.responseMs(99), 0.0);
    }

    @Test
    void shouldRenderEveryFormatWhenReportIsWritten() throws Exception {
        final Histogram h = new Histogram(3_600_000_000L, 3);
        for (int i = 1; i <= 1000; i++) {
            h.recordValue(i * 10L);
        }
        final List<StageReport> stages = List.of(report(h));
        final VerifyResult v = new VerifyResult(10, 9, 1, 0, 0, 0, 0, 3, false, List.of("lost x @1"));
        final ByteArrayOutputStream text = new ByteArrayOutputStream();
        TextReport.write("t", stages, v, new PrintStream(text, true, StandardCharsets.UTF_8));
        final String t = text.toString(StandardCharsets.UTF_8);
        assertTrue(t.contains("4,500 samples/s") && t.contains("503=10") && t.contains("p99=9.9")
            && t.contains("verify FAILED") && t.contains("queue slow"), t);
        final JsonNode json = new ObjectMapper().readTree(JsonReport.tree("t", stages, v).toString());
        assertEquals(4500, json.at("/stages/0/samples_per_s").asDouble(), 1e-9);
        assertEquals(10, json.at("/stages/0/status/503").asLong());
        assertEquals(9.9, json.at("/stages/0/latency_ms/p99").asDouble(), 0.01);
        assertEquals(1, json.at("/verify/lost").asLong());
        final String html = HtmlReport.render("t <x>", stages, v);
        assertTrue(html.contains("<svg") && html.contains("<polyline") && html.contains("t &lt;x&gt;")
            && !html.contains("<script"), html);
    }
}
