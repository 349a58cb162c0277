package io.metricstream.query.eval;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.query.promql.ParseException;
import io.metricstream.query.remote.InMemorySeriesSource;
import com.sun.management.OperatingSystemMXBean;
import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Times PEERS.md's five queries over the shared data set (gen.py: 1,000 series x 24 h at 15 s) held in the
 * in-memory storage fake: 24 h range queries with a 60 s step, and one instant query. Prints the first (cold)
 * run and the median of 10 runs after warm-up: wall, the calling thread's CPU, and the process CPU per query
 * (which also counts the fork-join and decoding threads). Usage:
 * {@code python3 /work/shared/peers/gen.py --format prom --order series --out /tmp/peers.prom} then
 * {@code java -cp <test classpath> io.metricstream.query.eval.QueryBenchmark /tmp/peers.prom} (append
 * {@code <query index> <iterations>} to loop one query for a profiler).
 */
public final class QueryBenchmark {
    /** PEERS.md's range: the data set's day. */
    public static final long START_MS = 1_704_067_200_000L;
    /** End of PEERS.md's range. */
    public static final long END_MS = START_MS + 86_400_000L;
    static final String[][] QUERIES = {
        {"range", "sum by (region)(rate(http_requests_total[5m]))"},
        {"range", "avg_over_time(node_cpu_utilization_percent{host=~\"h1.*\"}[10m])"},
        {"range", "max by (job)(node_load1)"},
        {"range", "rate(http_requests_total[5m]) + rate(node_network_receive_bytes_total[5m])"},
        {"instant", "sum by (region)(max_over_time(node_cpu_utilization_percent[1d]))"},
    };

    private QueryBenchmark() {
    }

    /** Entry point: args[0] = gen.py prom-format file. */
    public static void main(final String[] args) throws IOException, ParseException {
        final long t0 = System.nanoTime();
        final InMemorySeriesSource data = load(Path.of(args[0]));
        System.out.printf(Locale.ROOT, "loaded %d series in %.1f s%n", data.seriesCount(),
            (System.nanoTime() - t0) / 1e9);
        final Engine engine = new Engine(data, Engine.Options.DEFAULT);
        if (args.length > 2) {
            // profiling mode: run one query (by index) this many times
            final String[] q = QUERIES[Integer.parseInt(args[1])];
            for (int i = Integer.parseInt(args[2]); i > 0; i--) {
                run(engine, q);
            }
            return;
        }
        final double[] cold = new double[QUERIES.length];
        for (int q = 0; q < QUERIES.length; q++) {
            cold[q] = run(engine, QUERIES[q]);
        }
        for (int w = 0; w < 15; w++) {
            for (final String[] q : QUERIES) {
                run(engine, q);
            }
        }
        System.out.println("| query | kind | cold ms | warm median of 10 ms | warm median CPU ms | process CPU ms |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int q = 0; q < QUERIES.length; q++) {
            final double[] times = new double[10];
            final double[] cpu = new double[10];
            final long process0 = os.getProcessCpuTime();
            for (int i = 0; i < times.length; i++) {
                final long c0 = threads.getCurrentThreadCpuTime();
                times[i] = run(engine, QUERIES[q]);
                cpu[i] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
            }
            final double processMs = (os.getProcessCpuTime() - process0) / 1e6 / times.length;
            Arrays.sort(times);
            Arrays.sort(cpu);
            System.out.printf(Locale.ROOT, "| `%s` | %s | %.2f | %.2f | %.2f | %.2f |%n", QUERIES[q][1], QUERIES[q][0],
                cold[q], (times[4] + times[5]) / 2, (cpu[4] + cpu[5]) / 2, processMs);
        }
    }

    private static double run(final Engine engine, final String[] q) throws ParseException {
        final long t = System.nanoTime();
        final QueryResult r = q[0].equals("range") ? engine.range(q[1], START_MS, END_MS, 60_000)
            : engine.instant(q[1], END_MS);
        final double ms = (System.nanoTime() - t) / 1e6;
        if (r instanceof QueryResult.Matrix m && m.series().isEmpty()
            || r instanceof QueryResult.Vector v && v.samples().isEmpty()) {
            throw new IllegalStateException("empty result for " + q[1]);
        }
        return ms;
    }

    /** The gen.py prom-format file as an in-memory storage fake. */
    public static InMemorySeriesSource load(final Path file) throws IOException {
        final InMemorySeriesSource data = new InMemorySeriesSource();
        final Map<String, LabelSet> labels = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                final int close = line.indexOf('}');
                final String key = line.substring(0, close + 1);
                final int space = line.indexOf(' ', close + 2);
                final double value = Double.parseDouble(line.substring(close + 2, space));
                final long ts = Long.parseLong(line.substring(space + 1));
                data.add(labels.computeIfAbsent(key, QueryBenchmark::parseLabels), ts, value);
            }
        }
        return data;
    }

    private static LabelSet parseLabels(final String key) {
        final int open = key.indexOf('{');
        final LabelSet.Builder b = LabelSet.builder().add("__name__", key.substring(0, open));
        for (final String pair : key.substring(open + 1, key.length() - 1).split(",")) {
            final int eq = pair.indexOf('=');
            b.add(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
        }
        return b.build();
    }
}
