package io.metricstream.query.eval;

import io.metricstream.query.QueryServer;
import io.metricstream.query.remote.FakeStorageService;
import io.metricstream.query.remote.InMemorySeriesSource;
import io.metricstream.runtime.config.Config;
import io.metricstream.runtime.config.ConfigLoader;
import io.metricstream.runtime.config.GlobalConfig;
import io.metricstream.runtime.lifecycle.EmbeddedHost;
import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Times PEERS.md's five queries over HTTP, the whole query path: a storage fake on the binary protocol holding the
 * shared data set encoded once in 120-sample chunks (as storage does), the query service selecting from it, JSON
 * out. Mode {@code chunks} selects with SELECT_CHUNKS (decoded in parallel); mode {@code select} has the fake reject
 * the newer APIs, so the service falls back to SELECT (16 bytes per sample, the protocol before SELECT_CHUNKS). The
 * fake's own work (copying chunk bytes, or encoding samples) runs in this JVM, as storage's would on the machine.
 * Usage: {@code java -cp <test classpath> io.metricstream.query.eval.HttpQueryBenchmark /tmp/peers.prom
 * chunks|select [pushdownMinRangeMs [queryIndex iterations]]} (the last two loop one query for a profiler).
 * Prints cold (first run) and, after 30 warm-up rounds, median-of-20 ms per query (client-side wall time) and the
 * process CPU per query (server, fake and client together; steadier than wall time on a shared machine).
 */
public final class HttpQueryBenchmark {
    /** Rounds of all five queries before measuring. */
    private static final int WARMUP_ROUNDS = 30;
    /** Measured runs per query (median; process CPU averaged over them). */
    private static final int RUNS = 20;

    private HttpQueryBenchmark() {
    }

    /** Entry point. */
    public static void main(final String[] args) throws Exception {
        final InMemorySeriesSource data = QueryBenchmark.load(Path.of(args[0]));
        final boolean legacy = args.length > 1 && args[1].equals("select");
        final String pushdown = args.length > 2 ? args[2] : "3600000";
        final Path dir = Files.createTempDirectory("http-query-bench");
        final Config config = (Config) new ConfigLoader(GlobalConfig.TABLE).load(Optional.empty(), Map.of(),
            Map.of("global.data_dir", dir.resolve("storage").toString(), "global.profile", "test"));
        final FakeStorageService storage = FakeStorageService.frozen("storage", data, legacy, 120);
        try (EmbeddedHost host = EmbeddedHost.start(config, List.of(storage));
             QueryServer query = new QueryServer(null, dir.resolve("query"), Map.of("query.storage_addresses",
                 "127.0.0.1:" + host.host("storage").binaryAddresses().getFirst().getPort(),
                 "query.pushdown_min_range_ms", pushdown, "global.profile", "test"))) {
            final HttpClient client = HttpClient.newHttpClient();
            if (args.length > 4) {
                // profiling mode: run one query (by index) this many times
                final String uri = uri(query.base(), QueryBenchmark.QUERIES[Integer.parseInt(args[3])]);
                for (int i = Integer.parseInt(args[4]); i > 0; i--) {
                    time(client, uri);
                }
                return;
            }
            final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            System.out.println("| query | kind | cold ms | median of 20 ms | process CPU ms per query | body bytes |");
            System.out.println("| --- | --- | --- | --- | --- | --- |");
            final long[][] cold = new long[QueryBenchmark.QUERIES.length][];
            for (int q = 0; q < cold.length; q++) {
                cold[q] = time(client, uri(query.base(), QueryBenchmark.QUERIES[q]));
            }
            // warm-up of every query before measuring (JIT): 5 runs each left most of the path interpreted
            for (int round = 0; round < WARMUP_ROUNDS; round++) {
                for (final String[] q : QueryBenchmark.QUERIES) {
                    time(client, uri(query.base(), q));
                }
            }
            for (int q = 0; q < cold.length; q++) {
                final String uri = uri(query.base(), QueryBenchmark.QUERIES[q]);
                final double[] ms = new double[RUNS];
                final long cpu0 = os.getProcessCpuTime();
                for (int i = 0; i < ms.length; i++) {
                    ms[i] = time(client, uri)[0] / 1e6;
                }
                final double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6 / ms.length;
                Arrays.sort(ms);
                final String[] measured = QueryBenchmark.QUERIES[q];
                System.out.printf(Locale.ROOT, "| `%s` | %s | %.2f | %.2f | %.2f | %d |%n", measured[1], measured[0],
                    cold[q][0] / 1e6, (ms[RUNS / 2 - 1] + ms[RUNS / 2]) / 2, cpuMs, cold[q][1]);
            }
        }
    }

    private static String uri(final String base, final String[] q) {
        final String query = URLEncoder.encode(q[1], StandardCharsets.UTF_8);
        if (q[0].equals("range")) {
            return base + "/api/v1/query_range?query=" + query + "&start=" + QueryBenchmark.START_MS / 1000
                + "&end=" + QueryBenchmark.END_MS / 1000 + "&step=60";
        }
        return base + "/api/v1/query?query=" + query + "&time=" + QueryBenchmark.END_MS / 1000;
    }

    /** {nanoseconds, body bytes} of one GET. */
    private static long[] time(final HttpClient client, final String uri) throws IOException, InterruptedException {
        final long t0 = System.nanoTime();
        final HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(uri)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        final long ns = System.nanoTime() - t0;
        if (r.statusCode() != 200) {
            throw new IllegalStateException(uri + " -> " + r.statusCode() + " " + new String(r.body(),
                StandardCharsets.UTF_8));
        }
        return new long[] {ns, r.body().length};
    }
}
