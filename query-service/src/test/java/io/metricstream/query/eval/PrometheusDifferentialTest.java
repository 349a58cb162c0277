package io.metricstream.query.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.query.ExternalTools;
import io.metricstream.query.api.PromJson;
import io.metricstream.query.remote.InMemorySeriesSource;
import io.metricstream.testsupport.Awaits;
import io.metricstream.testsupport.HttpProbe;
import io.metricstream.testsupport.LoopbackPorts;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our engine against Debian's Prometheus on the same generated data: the data is written as OpenMetrics,
 * backfilled with {@code promtool tsdb create-blocks-from openmetrics}, served by a real {@code prometheus} on a
 * loopback port, and every query of the corpus is compared (range and instant) with our engine over the
 * in-memory fake holding the same samples.
 */
@Tag("slow")
@Tag("integration")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PrometheusDifferentialTest {
    private static final String PROMETHEUS = "/usr/bin/prometheus";
    private static final String PROMTOOL = "/usr/bin/promtool";
    private static final long START_MS = 1_704_067_200_000L;
    private static final long STEP_MS = 15_000;
    private static final int SAMPLES = 3 * 240;
    private static final String[] GAUGES = {"node_load1", "node_cpu_utilization_percent", "node_temperature_celsius"};
    private static final String[] COUNTERS = {"http_requests_total", "node_network_receive_bytes_total"};
    private static final double[] BUCKETS = {0.1, 0.25, 0.5, 1, 2.5, Double.POSITIVE_INFINITY};

    static final List<String> CORPUS = List.of(
        "sum by (region)(rate(http_requests_total[5m]))",
        "avg_over_time(node_cpu_utilization_percent{host=~\"h0.*\"}[10m])",
        "max by (job)(node_load1)",
        "rate(http_requests_total[5m]) + rate(node_network_receive_bytes_total[5m])",
        "sum by (region)(max_over_time(node_cpu_utilization_percent[1h]))",
        "increase(http_requests_total[10m])",
        "irate(node_network_receive_bytes_total[2m])",
        "delta(node_temperature_celsius[15m])",
        "deriv(node_load1[10m])",
        "predict_linear(node_cpu_utilization_percent[30m], 3600)",
        "topk(3, node_load1)",
        "bottomk by (region) (1, node_cpu_utilization_percent)",
        "quantile by (job) (0.9, node_load1)",
        "stddev by (region) (node_temperature_celsius)",
        "count_values(\"v\", round(node_load1))",
        "node_load1 > 1.5",
        "node_load1 > bool 1.5",
        "http_requests_total / on(region) group_left sum by (region) (http_requests_total)",
        "node_cpu_utilization_percent and on(host) (node_load1 > 1)",
        "node_load1 unless node_load1 > 2",
        "changes(node_load1[10m])",
        "resets(http_requests_total[30m])",
        "min_over_time(node_load1[5m:1m])",
        "max_over_time(rate(http_requests_total[5m])[30m:5m])",
        "label_replace(node_load1, \"h\", \"$1\", \"host\", \"h(.*)\")",
        "label_join(node_load1, \"hr\", \"-\", \"host\", \"region\")",
        "abs(delta(node_temperature_celsius[5m]))",
        "clamp(node_cpu_utilization_percent, 20, 80)",
        "round(node_load1, 0.5)",
        "sqrt(node_cpu_utilization_percent) - ln(node_load1 + 1)",
        "hour(timestamp(node_load1)) + minute()",
        "stdvar_over_time(node_load1[10m])",
        "quantile_over_time(0.5, node_cpu_utilization_percent[10m])",
        "holt_winters(node_temperature_celsius[10m], 0.3, 0.3)",
        "avg without (host) (node_load1)",
        "count by (job) (node_load1 offset 10m)",
        "sum(rate(http_requests_total[5m] @ 1704069000))",
        "absent(nonexistent{job=\"api\"})",
        "node_load1 * ignoring(region) group_left node_cpu_utilization_percent",
        "scalar(sum(node_load1)) * node_load1",
        "time() - timestamp(node_load1)",
        "last_over_time(node_load1[5m])",
        "-node_load1 ^ 2",
        "histogram_quantile(0.9, sum by (le, job) (rate(latency_seconds_bucket[5m])))",
        "histogram_quantile(0.5, latency_seconds_bucket)",
        "sum(node_load1) by (job) * on(job) group_right count by (job, host) (node_load1)");

    @TempDir
    static Path dir;
    private static Process prometheus;
    private static String base;
    private static InMemorySeriesSource ours;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(ExternalTools.present(PROMETHEUS) && ExternalTools.present(PROMTOOL),
            "skipped: Debian prometheus/promtool not installed (apt-get install -y prometheus)");
        ours = new InMemorySeriesSource();
        final Path om = dir.resolve("data.om");
        Files.writeString(om, generate(ours));
        final Path tsdb = dir.resolve("tsdb");
        Files.createDirectories(tsdb);
        final ExternalTools.Outcome blocks = ExternalTools.run(List.of(PROMTOOL, "tsdb", "create-blocks-from",
            "openmetrics", om.toString(), tsdb.toString()), 120);
        assertEquals(0, blocks.exitCode(), blocks.output());
        final Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 15s\n");
        final int port = LoopbackPorts.free();
        base = "http://127.0.0.1:" + port;
        prometheus = new ProcessBuilder(PROMETHEUS, "--config.file=" + config, "--storage.tsdb.path=" + tsdb,
            "--storage.tsdb.retention.time=100y", "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        Awaits.await(Duration.ofSeconds(60), () -> HttpProbe.statusOrMinusOne(base + "/-/ready") == 200,
            "prometheus ready on " + base);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** Writes the data set as OpenMetrics and loads the same samples into {@code into}. */
    static String generate(final InMemorySeriesSource into) {
        final StringBuilder sb = new StringBuilder();
        final String[] regions = {"us-east", "us-west", "eu-west", "ap-south"};
        final String[] jobs = {"api", "db"};
        for (final String metric : concat(GAUGES, COUNTERS)) {
            final boolean counter = metric.endsWith("_total");
            sb.append("# TYPE ").append(counter ? metric.substring(0, metric.length() - 6) : metric)
                .append(counter ? " counter\n" : " gauge\n");
            for (int h = 0; h < 12; h++) {
                final String host = String.format(Locale.ROOT, "h%02d", h);
                final LabelSet labels = LabelSet.of("__name__", metric, "host", host, "region", regions[h % 4],
                    "job", jobs[h % 2]);
                final SplittableRandom r = new SplittableRandom(metric.hashCode() * 31L + h);
                long cents = counter ? 0 : 100 + r.nextInt(200);
                for (int i = 0; i < SAMPLES; i++) {
                    cents = counter ? cents + r.nextInt(5000) : Math.max(0, cents + r.nextInt(41) - 20);
                    final String value = counter ? Long.toString(cents) : String.format(Locale.ROOT, "%d.%02d",
                        cents / 100, cents % 100);
                    sample(sb, into, labels, i, value);
                }
            }
        }
        sb.append("# TYPE latency_seconds_bucket gauge\n");
        for (int j = 0; j < 2; j++) {
            final SplittableRandom r = new SplittableRandom(7 + j);
            final long[] counts = new long[BUCKETS.length];
            final List<StringBuilder> lines = new ArrayList<>();
            for (int b = 0; b < BUCKETS.length; b++) {
                lines.add(new StringBuilder());
            }
            for (int i = 0; i < SAMPLES; i++) {
                long cumulative = 0;
                for (int b = 0; b < BUCKETS.length; b++) {
                    counts[b] += r.nextInt(20);
                    cumulative += counts[b];
                    final String le = b == BUCKETS.length - 1 ? "+Inf" : trim(BUCKETS[b]);
                    sample(lines.get(b), into, LabelSet.of("__name__", "latency_seconds_bucket", "le", le, "job",
                        jobs[j]), i, Long.toString(cumulative));
                }
            }
            lines.forEach(sb::append);
        }
        return sb.append("# EOF\n").toString();
    }

    private static String trim(final double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static String[] concat(final String[] a, final String[] b) {
        final String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void sample(final StringBuilder sb, final InMemorySeriesSource into, final LabelSet labels,
                               final int i, final String value) {
        final long ts = START_MS + i * STEP_MS;
        into.add(labels, ts, Double.parseDouble(value));
        sb.append(labels.metricName()).append('{');
        boolean first = true;
        for (int k = 0; k < labels.size(); k++) {
            if (labels.name(k).equals("__name__")) {
                continue;
            }
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append(labels.name(k)).append("=\"").append(labels.value(k)).append('"');
        }
        sb.append("} ").append(value).append(' ').append(ts / 1000).append('\n');
    }

    @Test
    void shouldMatchPrometheusWhenRangeQueriesOverSameData() throws Exception {
        final long start = START_MS + 3_600_000;
        final long end = START_MS + 3 * 3_600_000 - 15_000;
        final List<String> mismatches = new ArrayList<>();
        final Engine engine = new Engine(ours, Engine.Options.DEFAULT);
        for (final String q : CORPUS) {
            final JsonNode theirs = promGet("/api/v1/query_range?query=" + enc(q) + "&start=" + start / 1000.0
                + "&end=" + end / 1000.0 + "&step=60");
            final JsonNode mine = JSON.readTree(PromJson.success(PromJson.result(engine.range(q, start, end,
                60_000))));
            compare(q + " (range)", theirs, mine, mismatches);
        }
        assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches:\n" + String.join("\n", mismatches));
        // control: the comparison must notice a 0.1% difference
        final List<String> control = new ArrayList<>();
        compare("control", promGet("/api/v1/query_range?query=node_load1&start=" + start / 1000.0 + "&end="
            + end / 1000.0 + "&step=60"), JSON.readTree(PromJson.success(PromJson.result(engine.range(
            "node_load1 * 1.001", start, end, 60_000)))), control);
        assertEquals(1, control.size(), "the comparison missed a difference");
    }

    @Test
    void shouldMatchPrometheusWhenInstantQueriesOverSameData() throws Exception {
        final Engine engine = new Engine(ours, Engine.Options.DEFAULT);
        final List<String> mismatches = new ArrayList<>();
        for (final long t : new long[] {START_MS + 1_800_000, START_MS + 2 * 3_600_000 + 7_500,
            START_MS + 3 * 3_600_000 + 200_000}) {
            for (final String q : CORPUS) {
                final JsonNode theirs = promGet("/api/v1/query?query=" + enc(q) + "&time=" + t / 1000.0);
                final JsonNode mine = JSON.readTree(PromJson.success(PromJson.result(engine.instant(q, t))));
                compare(q + " @" + t, theirs, mine, mismatches);
            }
        }
        assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches:\n" + String.join("\n", mismatches));
    }

    private static JsonNode promGet(final String path) throws IOException {
        final HttpProbe.Response r = HttpProbe.get(base + path);
        assertEquals(200, r.status(), path + " -> " + r.body());
        return JSON.readTree(r.body());
    }

    private static String enc(final String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void compare(final String what, final JsonNode theirs, final JsonNode mine,
                                final List<String> mismatches) {
        final JsonNode td = theirs.get("data");
        final JsonNode md = mine.get("data");
        if (!td.get("resultType").equals(md.get("resultType"))) {
            mismatches.add(what + ": resultType " + td.get("resultType") + " vs ours " + md.get("resultType"));
            return;
        }
        final Map<String, JsonNode> t = bySeries(td.get("result"));
        final Map<String, JsonNode> m = bySeries(md.get("result"));
        if (!t.keySet().equals(m.keySet())) {
            mismatches.add(what + ": series differ: prometheus " + t.keySet() + " ours " + m.keySet());
            return;
        }
        for (final Map.Entry<String, JsonNode> e : t.entrySet()) {
            final String diff = points(e.getValue(), m.get(e.getKey()));
            if (diff != null) {
                mismatches.add(what + ": " + e.getKey() + ": " + diff);
                return;
            }
        }
    }

    private static Map<String, JsonNode> bySeries(final JsonNode result) {
        final Map<String, JsonNode> out = new TreeMap<>();
        if (!result.isArray() || result.isEmpty() || !result.get(0).isObject()) {
            out.put("(scalar)", result);
            return out;
        }
        for (final JsonNode s : result) {
            out.put(s.get("metric").toString(), s.has("values") ? s.get("values") : JSON.createArrayNode()
                .add(s.get("value")));
        }
        return out;
    }

    private static String points(final JsonNode theirs, final JsonNode mine) {
        final Map<String, String> t = new HashMap<>();
        final Iterator<JsonNode> it = theirs.elements();
        if (theirs.size() == 2 && !theirs.get(0).isArray()) {
            return close(theirs.get(1).asText(), mine.get(1).asText()) ? null : theirs + " vs ours " + mine;
        }
        while (it.hasNext()) {
            final JsonNode p = it.next();
            t.put(p.get(0).asText(), p.get(1).asText());
        }
        if (t.size() != mine.size()) {
            return "point count " + t.size() + " vs ours " + mine.size();
        }
        for (final JsonNode p : mine) {
            final String tv = t.get(p.get(0).asText());
            if (tv == null || !close(tv, p.get(1).asText())) {
                return "at " + p.get(0).asText() + ": prometheus " + tv + " ours " + p.get(1).asText();
            }
        }
        return null;
    }

    private static boolean close(final String a, final String b) {
        if (a.equals(b)) {
            return true;
        }
        final double x = PromqlScript.number(a);
        final double y = PromqlScript.number(b);
        return Math.abs(x - y) <= Math.max(1e-9, Math.abs(x) * 1e-9);
    }
}
