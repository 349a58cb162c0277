package io.metricstream.loadgen.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.loadgen.generate.SeriesCatalog;
import io.metricstream.loadgen.generate.ValueStyle;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class VerifierTest {
    private static final SeriesCatalog CATALOG = SeriesCatalog.builder()
        .series(LabelSet.of("__name__", "m", "host", "a"), ValueStyle.FLOAT)
        .series(LabelSet.of("__name__", "m", "host", "b"), ValueStyle.FLOAT)
        .series(LabelSet.of("__name__", "n", "host", "a"), ValueStyle.FLOAT).build();

    /** A platform holding exactly {@code stored}: (series id, ts, value) triples. */
    private static SampleReader platform(final List<double[]> stored, final SeriesCatalog catalog) {
        return (metric, min, max, visitor) -> {
            for (double[] s : stored) {
                final LabelSet labels = s[0] < 0 ? LabelSet.of("__name__", metric, "host", "stranger")
                    : catalog.labels((int) s[0]);
                if (labels.metricName().equals(metric) && s[1] >= min && s[1] <= max) {
                    visitor.onSample(labels, (long) s[1], Double.doubleToRawLongBits(s[2]));
                }
            }
        };
    }

    private static VerifyResult verify(final AckLog log, final List<double[]> stored) throws Exception {
        return new Verifier(platform(stored, CATALOG), Duration.ZERO, Duration.ofMillis(1),
            java.util.function.UnaryOperator.identity()).verify(CATALOG, log);
    }

    @Test
    void shouldReportOkWhenEverySampleIsReadBackOnce() throws Exception {
        final AckLog log = new AckLog();
        final List<double[]> stored = new ArrayList<>();
        for (int t = 0; t < 100; t++) {
            for (int id = 0; id < 3; id++) {
                log.acked(id, 1000 + t, t * 0.5 + id);
                stored.add(new double[] {id, 1000 + t, t * 0.5 + id});
            }
        }
        log.acked(0, 1000, 0);   // a retried request acked twice: still expected once
        final VerifyResult r = verify(log, stored);
        assertTrue(r.ok(), r.summary());
        assertEquals(300, r.expected());
        assertEquals(300, r.found());
    }

    @Test
    void shouldCountEachProblemExactlyWhenPlatformMisbehaves() throws Exception {
        final AckLog log = new AckLog();
        for (int t = 0; t < 10; t++) {
            log.acked(0, t, t);
            if (t != 8) {
                log.acked(1, t, t);
            }
        }
        log.inDoubt(1, 8, 8);
        final List<double[]> stored = new ArrayList<>();
        for (int t = 0; t < 10; t++) {
            if (t != 3 && t != 4) {
                stored.add(new double[] {0, t, t == 7 ? 70 : t});   // lost 3 and 4, 7 changed
            }
            stored.add(new double[] {1, t, t});
        }
        stored.add(new double[] {1, 5, 5});      // duplicate
        stored.add(new double[] {1, 5, 5});      // and another
        stored.add(new double[] {0, 6, 6});      // duplicate
        stored.add(new double[] {0, 5, 5});      // third duplicate

        stored.add(new double[] {1, 9, 9});      // fourth duplicate
        stored.add(new double[] {-1, 5, 5});     // a series nobody sent
        final VerifyResult r = verify(log, stored);
        assertEquals(19, r.expected(), r.toString());
        assertEquals(2, r.lost(), r.toString());
        assertEquals(1, r.mismatched(), r.toString());
        assertEquals(5, r.duplicated(), r.toString());
        assertEquals(1, r.unexpected(), r.toString());
        assertEquals(1, r.inDoubtFound(), r.toString());
        assertTrue(!r.ok() && r.examples().stream().anyMatch(e -> e.startsWith("lost m{host=\"a\"} @3")),
            r.examples().toString());
    }

    @Test
    void shouldRetryUntilSamplesAppearWhenStorageLags() throws Exception {
        final AckLog log = new AckLog();
        log.acked(2, 5, 1.5);
        final AtomicInteger reads = new AtomicInteger();
        final SampleReader lagging = (metric, min, max, visitor) -> {
            if (reads.incrementAndGet() >= 3) {
                visitor.onSample(CATALOG.labels(2), 5, Double.doubleToRawLongBits(1.5));
            }
        };
        final VerifyResult r = new Verifier(lagging, Duration.ofSeconds(10), Duration.ofMillis(1),
            java.util.function.UnaryOperator.identity()).verify(CATALOG, log);
        assertTrue(r.ok() && r.complete(), r.summary());
        assertEquals(3, r.attempts());
    }

    @Test
    void shouldAcceptRoundedValuesWhenToleranceIsGiven() throws Exception {
        final AckLog log = new AckLog();
        log.acked(0, 1, 62.3606797749979);
        final List<double[]> stored = List.<double[]>of(new double[] {0, 1, 62.360679775});
        assertEquals(1, verify(log, stored).mismatched());
        final VerifyResult r = new Verifier(platform(stored, CATALOG), Duration.ZERO, Duration.ofMillis(1),
            java.util.function.UnaryOperator.identity(), 1e-9).verify(CATALOG, log);
        assertTrue(r.ok(), r.summary());
        final VerifyResult far = new Verifier(platform(List.<double[]>of(new double[] {0, 1, 62.4}), CATALOG),
            Duration.ZERO, Duration.ofMillis(1), java.util.function.UnaryOperator.identity(), 1e-9)
            .verify(CATALOG, log);
        assertEquals(1, far.mismatched());
    }

    @Test
    void shouldMapInfluxFieldNameWhenSuffixIsGiven() {
        assertEquals(LabelSet.of("__name__", "m_value", "host", "a"),
            Verifier.metricSuffix("_value").apply(CATALOG.labels(0)));
    }

    @Test
    void shouldParseMatrixWhenPrometheusAnswersARangeSelector() throws Exception {
        final String json = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
            + "{\"metric\":{\"__name__\":\"m\",\"host\":\"a\"},\"values\":[[1704067200,\"1.5\"],"
            + "[1704067200.015,\"NaN\"],[1704067201.5,\"+Inf\"]]},"
            + "{\"metric\":{\"__name__\":\"m\",\"host\":\"b\"},\"values\":[[1704067199.999,\"-2e-7\"]]}]}}";
        final List<String> seen = new ArrayList<>();
        PromQueryReader.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), 1_704_067_199_999L,
            1_704_067_201_500L, (labels, ts, bits) -> seen.add(labels.get("host") + "@" + ts + "="
                + Double.longBitsToDouble(bits)));
        assertEquals(List.of("a@1704067200000=1.5", "a@1704067200015=NaN", "a@1704067201500=Infinity"), seen);
        assertEquals("1704067200.015", PromQueryReader.seconds(1_704_067_200_015L));
        assertEquals("-1.999", PromQueryReader.seconds(-1999));
    }
}
