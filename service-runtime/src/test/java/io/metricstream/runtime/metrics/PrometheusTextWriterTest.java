package io.metricstream.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PrometheusTextWriterTest {
    private static final Pattern SAMPLE_LINE = Pattern.compile(
        "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*\\})? "
            + "(NaN|[+-]Inf|-?[0-9.eE+-]+)");

    @Test
    void shouldWriteSortedFamiliesWithEscapedLabelsWhenRegistryHasEveryKind() {
        final MetricsRegistry r = new MetricsRegistry();
        final CounterFamily rejected = r.counterFamily("samples_rejected_total", "Rejected samples.", "reason");
        rejected.labels("bad_name").add(3);
        rejected.labels("quote\"back\\slash\nnl").increment();
        r.counter("a_total", "First.\nSecond line.").increment();
        r.gauge("queue_depth", "Depth.", () -> 42);
        r.doubleGauge("ratio", "Ratio.", () -> 0.25);
        final LatencyRecorder lat = r.latency("ack_latency_seconds", "Ack latency.");
        lat.recordNanos(1_000_000);
        lat.recordNanos(3_000_000);
        final String text = PrometheusTextWriter.write(r);
        assertEquals("""
            # HELP a_total First.\\nSecond line.
            # TYPE a_total counter
            a_total 1
            """, text.substring(0, text.indexOf("# HELP ack_latency_seconds")));
        assertTrue(text.contains("# TYPE ack_latency_seconds summary\nack_latency_seconds{quantile=\"0.5\"} 0.001"),
            text);
        assertTrue(text.contains("ack_latency_seconds_count 2\n"), text);
        assertTrue(text.contains("samples_rejected_total{reason=\"bad_name\"} 3\n"
            + "samples_rejected_total{reason=\"quote\\\"back\\\\slash\\nnl\"} 1\n"), text);
        assertTrue(text.contains("queue_depth 42\n") && text.contains("ratio 0.25\n"), text);
        for (String line : text.split("\n")) {
            assertTrue(line.startsWith("# HELP ") || line.startsWith("# TYPE ") || SAMPLE_LINE.matcher(line).matches(),
                line);
        }
    }

    @Test
    void shouldRejectRegistrationWhenNameIsInvalidOrDuplicated() {
        final MetricsRegistry r = new MetricsRegistry();
        r.counter("x_total", "X.");
        assertThrows(IllegalArgumentException.class, () -> r.counter("x_total", "again"));
        assertThrows(IllegalArgumentException.class, () -> r.counter("1bad", "bad"));
        assertThrows(IllegalArgumentException.class, () -> r.counterFamily("y_total", "Y.", "__reserved"));
        assertThrows(IllegalArgumentException.class, () -> r.counterFamily("z_total", "Z.", "a").labels("1", "2"));
    }

    @Test
    void shouldExportNaNQuantilesWhenNothingRecorded() {
        final MetricsRegistry r = new MetricsRegistry();
        r.latency("idle_seconds", "Idle.");
        assertTrue(PrometheusTextWriter.write(r).contains("idle_seconds{quantile=\"0.999\"} NaN\nidle_seconds_sum 0\n"
            + "idle_seconds_count 0\n"));
    }
}
