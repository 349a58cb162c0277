package io.metricstream.ingestion.bench;

import io.metricstream.ingestion.format.RemoteWriteEncoder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives an ingestion endpoint with the shared data set ({@code /work/shared/peers/gen.py}) in 5,000-sample
 * bodies over 1/2/4/8 keep-alive connections and prints samples/s per connection count. Each body is sent once
 * (the whole selected slice of the data set per run). Influx bodies are gen.py's {@code lp} lines (ms
 * precision); remote-write bodies hold the same 5,000 samples grouped by series (1,000 series × 5 samples).
 * <pre>
 *   java -cp ... io.metricstream.ingestion.bench.IngestBench http://127.0.0.1:8080 lp|prom [hours] [conns,...]
 *       [extra query, e.g. &amp;db=bench for InfluxDB]
 * </pre>
 * With the URL {@code embedded}, it starts an ingestion service and an in-process fake queue itself
 * ({@link EmbeddedTarget}).
 */
public final class IngestBench {
    static final int SAMPLES_PER_BODY = 5_000;

    private IngestBench() {
    }

    /** Entry point. */
    public static void main(final String[] args) throws Exception {
        final String target = args.length > 0 ? args[0] : "embedded";
        if (target.equals("serve")) {
            serve(args.length > 1 ? Integer.parseInt(args[1]) : 60);
            return;
        }
        final String format = args.length > 1 ? args[1] : "lp";
        final String hours = args.length > 2 ? args[2] : "2";
        final String[] conns = (args.length > 3 ? args[3] : "1,2,4,8").split(",");
        final String extraQuery = args.length > 4 ? args[4] : "";
        final List<byte[]> bodies = format.equals("lp") ? influxBodies(hours) : remoteWriteBodies(hours);
        final long samples = (long) bodies.size() * SAMPLES_PER_BODY;
        System.out.printf(Locale.ROOT, "format=%s bodies=%d samples=%d%n", format, bodies.size(), samples);
        try (EmbeddedTarget embedded = target.equals("embedded") ? new EmbeddedTarget() : null) {
            final String base = embedded != null ? embedded.base() : target;
            final String path = format.equals("lp") ? "/write?precision=ms" + extraQuery : "/api/v1/write";
            final java.net.URI uri = java.net.URI.create(base);
            run(uri.getHost(), uri.getPort(), path, format, bodies.subList(0, Math.min(bodies.size(), 20)), 1);
            for (final String c : conns) {
                final int n = Integer.parseInt(c.trim());
                final double rate = run(uri.getHost(), uri.getPort(), path, format, bodies, n);
                System.out.printf(Locale.ROOT, "%s conns=%d samples/s=%.0f%n", format, n, rate);
            }
            if (embedded != null) {
                System.out.printf(Locale.ROOT, "queue received samples=%d%n", embedded.queueSamples());
            }
        }
    }

    /** Runs ingestion + the in-process queue for {@code seconds} (for wrk), printing the base URL. */
    static void serve(final int seconds) throws Exception {
        try (EmbeddedTarget embedded = new EmbeddedTarget()) {
            System.out.println("serving " + embedded.base());
            System.out.flush();
            final long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
            }
            System.out.printf(Locale.ROOT, "queue received samples=%d%n", embedded.queueSamples());
        }
    }

    static List<String> gen(final String hours, final String format) throws IOException, InterruptedException {
        final Process p = new ProcessBuilder("python3", "/work/shared/peers/gen.py", "--format", format,
            "--precision", "ms", "--hours", hours).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isEmpty()) {
                    lines.add(line);
                }
            }
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("gen.py failed");
        }
        return lines;
    }

    static List<byte[]> influxBodies(final String hours) throws IOException, InterruptedException {
        final List<String> lines = gen(hours, "lp");
        final List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i + SAMPLES_PER_BODY <= lines.size(); i += SAMPLES_PER_BODY) {
            bodies.add((String.join("\n", lines.subList(i, i + SAMPLES_PER_BODY)) + "\n")
                .getBytes(StandardCharsets.UTF_8));
        }
        return bodies;
    }

    /** Parses gen.py's {@code prom} lines: {@code name{a="x",b="y"} value timestampMs}. */
    static List<byte[]> remoteWriteBodies(final String hours) throws IOException, InterruptedException {
        final List<String> lines = gen(hours, "prom");
        final List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i + SAMPLES_PER_BODY <= lines.size(); i += SAMPLES_PER_BODY) {
            final Map<String, List<long[]>> bySeries = new LinkedHashMap<>();
            for (final String line : lines.subList(i, i + SAMPLES_PER_BODY)) {
                final int space = line.lastIndexOf(' ', line.lastIndexOf(' ') - 1);
                final String series = line.substring(0, space);
                final String[] vt = line.substring(space + 1).split(" ");
                bySeries.computeIfAbsent(series, k -> new ArrayList<>()).add(new long[] {Long.parseLong(vt[1]),
                    Double.doubleToRawLongBits(Double.parseDouble(vt[0]))});
            }
            final List<RemoteWriteEncoder.Series> series = new ArrayList<>();
            for (final Map.Entry<String, List<long[]>> e : bySeries.entrySet()) {
                final long[] ts = new long[e.getValue().size()];
                final long[] bits = new long[ts.length];
                for (int k = 0; k < ts.length; k++) {
                    ts[k] = e.getValue().get(k)[0];
                    bits[k] = e.getValue().get(k)[1];
                }
                series.add(new RemoteWriteEncoder.Series(labels(e.getKey()), ts, bits));
            }
            bodies.add(RemoteWriteEncoder.body(series));
        }
        return bodies;
    }

    static List<String[]> labels(final String series) {
        final List<String[]> out = new ArrayList<>();
        final int brace = series.indexOf('{');
        out.add(new String[] {"__name__", brace < 0 ? series : series.substring(0, brace)});
        if (brace >= 0) {
            for (final String pair : series.substring(brace + 1, series.length() - 1).split(",")) {
                final int eq = pair.indexOf('=');
                out.add(new String[] {pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1)});
            }
        }
        return out;
    }

    /** Sends every body once over {@code connections} keep-alive connections; returns samples per second. */
    static double run(final String host, final int port, final String path, final String format,
                      final List<byte[]> bodies, final int connections) throws InterruptedException {
        final AtomicInteger next = new AtomicInteger();
        final AtomicLong failures = new AtomicLong();
        final List<Thread> threads = new ArrayList<>();
        final long start = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            final Thread t = new Thread(() -> {
                try (Socket s = new Socket(host, port)) {
                    s.setTcpNoDelay(true);
                    final OutputStream out = s.getOutputStream();
                    final InputStream in = s.getInputStream();
                    int i;
                    while ((i = next.getAndIncrement()) < bodies.size()) {
                        final byte[] body = bodies.get(i);
                        final String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: "
                            + body.length + (format.equals("lp") ? "" : "\r\nContent-Type: application/x-protobuf"
                            + "\r\nX-Prometheus-Remote-Write-Version: 0.1.0") + "\r\n\r\n";
                        out.write(head.getBytes(StandardCharsets.US_ASCII));
                        out.write(body);
                        out.flush();
                        if (readResponse(in) / 100 != 2) {
                            failures.incrementAndGet();
                        }
                    }
                } catch (final IOException e) {
                    failures.incrementAndGet();
                }
            });
            threads.add(t);
            t.start();
        }
        for (final Thread t : threads) {
            t.join();
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        if (failures.get() > 0) {
            System.out.printf(Locale.ROOT, "  %d failed requests%n", failures.get());
        }
        return (bodies.size() - failures.get()) * (double) SAMPLES_PER_BODY / seconds;
    }

    /** Reads one response; returns its status. */
    public static int readResponse(final InputStream in) throws IOException {
        final StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            head.append((char) b);
            if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
                break;
            }
        }
        final String h = head.toString();
        final int status = Integer.parseInt(h.substring(9, 12));
        int length = 0;
        for (final String line : h.split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.readNBytes(length);
        return status;
    }
}
