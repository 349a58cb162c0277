package io.metricstream.alert;

import com.fasterxml.jackson.databind.JsonNode;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.testsupport.Awaits;
import io.metricstream.testsupport.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Detection latency harness (test-scope main, not a unit test): rule {@code bench_gauge > 100}, {@code for: 0s},
 * evaluation interval 1 s, {@code group_by: ['...']}, {@code group_wait: 0s}, one new series per trial, 100 trials
 * (after 20 warm-up trials) started every 137 ms. Latency = from "breaching sample acked" (t0) to the webhook's
 * arrival (JDK HttpServer on loopback). The query service and the queue are fakes:
 * <ul>
 *   <li>{@code queue-fetch}: t0 = the fake queue appended the record (its "ack"); the service's watcher is
 *       parked in a FETCH long-poll and wakes up with it, as with the real queue;</li>
 *   <li>{@code on-sample}: at t0 the sample is handed to {@code RuleEngine.onSample} directly (the watcher's
 *       part excluded); in both modes the fake query API returns the series from t0 on (storage applied it);</li>
 *   <li>{@code timer-only}: at t0 the fake query API starts returning the series; no sample is handed over, so
 *       only the 1 s timer finds it (the Prometheus + Alertmanager situation).</li>
 * </ul>
 * Then rules evaluated per second: 50 groups × 20 rules at a 100 ms interval against the fake query API.
 * Run: {@code java -cp target/classes:target/test-classes:<test classpath>
 * io.metricstream.alert.DetectionLatencyBench} (see README).
 */
public final class DetectionLatencyBench {
    private static final int TRIALS = 100;
    private static final int WARMUP = 20;

    /** How the breach reaches the alert service. */
    private enum Mode { QUEUE, ON_SAMPLE, TIMER }

    private DetectionLatencyBench() {
    }

    public static void main(String[] args) throws Exception {
        report("queue-fetch", latencies(Mode.QUEUE));
        report("on-sample", latencies(Mode.ON_SAMPLE));
        report("timer-only", latencies(Mode.TIMER));
        throughput();
    }

    private static void report(String name, long[] nanos) {
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "%-12s trials=%d p50=%.1fms p90=%.1fms p99=%.1fms max=%.1fms%n", name,
            nanos.length, pct(nanos, 0.5), pct(nanos, 0.9), pct(nanos, 0.99), nanos[nanos.length - 1] / 1e6);
    }

    private static double pct(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    private static long[] latencies(Mode mode) throws Exception {
        final Path dir = TempDirs.create("bench");
        final Map<String, Long> started = new ConcurrentHashMap<>();
        final Map<String, Long> latency = new ConcurrentHashMap<>();
        final CopyOnWriteArrayList<String> breached = new CopyOnWriteArrayList<>();
        try (FakePrometheusApi prom = new FakePrometheusApi(); WebhookSink hook = new WebhookSink(0);
             FakeQueue queue = new FakeQueue()) {
            hook.onReceive((body, t) -> {
                for (JsonNode a : body.path("alerts")) {
                    final String host = a.path("labels").path("host").asText();
                    final Long t0 = started.get(host);
                    if (t0 != null) {
                        latency.putIfAbsent(host, t - t0);
                    }
                }
            });
            final String rules = """
                groups:
                  - name: bench
                    rules:
                      - alert: BenchHigh
                        expr: bench_gauge > 100
                """;
            final String routing = """
                route:
                  receiver: hook
                  group_by: ['...']
                  group_wait: 0s
                  group_interval: 1s
                  repeat_interval: 1h
                receivers:
                  - name: hook
                    webhook_configs: [{url: "%s"}]
                """.replace("%s", hook.url());
            try (AlertHarness h = AlertHarness.start(dir, rules, routing, prom.url(),
                Map.of("alert.evaluation_interval_ms", "1000", "alert.write_alert_series", "false",
                    "alert.queue_address", mode == Mode.QUEUE ? queue.address() : ""))) {
                Awaits.await(Duration.ofSeconds(10), () -> h.service().ruleEngine().groupEvaluations() >= 1
                    && (mode != Mode.QUEUE || queue.fetches() >= 1), "start");
                long next = System.nanoTime();
                for (int i = 0; i < WARMUP + TRIALS; i++) {
                    final long due = next;
                    Awaits.await(Duration.ofSeconds(5), () -> System.nanoTime() >= due, "trial spacing");
                    next += 137_000_000L;
                    final String host = "t" + i;
                    breached.add(host);
                    final String[] series = new String[breached.size() * 2];
                    for (int k = 0; k < breached.size(); k++) {
                        series[2 * k] = "{\"__name__\":\"bench_gauge\",\"host\":\"" + breached.get(k) + "\"}";
                        series[2 * k + 1] = "150";
                    }
                    prom.answer("bench_gauge > 100", FakePrometheusApi.vector(series));
                    final LabelSet labels = LabelSet.of("__name__", "bench_gauge", "host", host);
                    if (mode == Mode.QUEUE) {
                        queue.append(labels, System.currentTimeMillis(), 150);
                    }
                    final long t0 = System.nanoTime();
                    started.put(host, t0);
                    if (mode == Mode.ON_SAMPLE) {
                        h.service().ruleEngine().onSample(labels, System.currentTimeMillis(), 150);
                    }
                }
                Awaits.await(Duration.ofSeconds(10), () -> latency.size() == WARMUP + TRIALS, "all webhooks");
            }
        } finally {
            TempDirs.deleteRecursively(dir);
        }
        for (int i = 0; i < WARMUP; i++) {
            latency.remove("t" + i);
        }
        return latency.values().stream().mapToLong(Long::longValue).toArray();
    }

    private static void throughput() throws Exception {
        final Path dir = TempDirs.create("bench-tp");
        final StringBuilder rules = new StringBuilder("groups:\n");
        for (int g = 0; g < 50; g++) {
            rules.append("  - name: g").append(g).append("\n    rules:\n");
            for (int r = 0; r < 20; r++) {
                rules.append("      - alert: A").append(r).append("\n        expr: m").append(g).append('_').append(r)
                    .append(" > 1\n");
            }
        }
        try (FakePrometheusApi prom = new FakePrometheusApi()) {
            try (AlertHarness h = AlertHarness.start(dir, rules.toString(), "route: {receiver: x}\nreceivers: "
                + "[{name: x}]\n", prom.url(), Map.of("alert.evaluation_interval_ms", "100"))) {
                final long warm = System.nanoTime();
                Awaits.await(Duration.ofSeconds(10), () -> System.nanoTime() - warm > 2_000_000_000L, "warm-up");
                final long r0 = h.service().ruleEngine().rulesEvaluated();
                final long t0 = System.nanoTime();
                Awaits.await(Duration.ofSeconds(20), () -> System.nanoTime() - t0 > 5_000_000_000L, "measure");
                final double seconds = (System.nanoTime() - t0) / 1e9;
                final long n = h.service().ruleEngine().rulesEvaluated() - r0;
                System.out.printf(Locale.ROOT, "throughput   1000 rules at 100ms (offered 10000/s): %.0f rules/s "
                    + "evaluated (%d queries answered by the fake API)%n", n / seconds, prom.queries());
            }
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }
}
