package io.metricstream.loadgen;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.metricstream.contracts.model.LabelSet;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;

/**
 * A tiny stand-in for the platform on loopback: {@code POST /write} parses Influx line protocol into an in-memory
 * store (metric {@code m} field {@code value} → series {@code m_value}, as our ingestion names it) and acks 204;
 * {@code GET /api/v1/query} answers range selectors {@code {__name__="x"}[Nms]} from the store in Prometheus's
 * matrix shape. Requests for which {@code reject} holds get 503; those for which {@code drop} holds are acked but
 * not stored (a platform that loses data).
 */
final class FakePlatform implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final Map<LabelSet, TreeMap<Long, Double>> store = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong storedSamples = new AtomicLong();
    private final AtomicLong droppedSamples = new AtomicLong();
    private final IntPredicate reject;
    private final IntPredicate drop;
    private final IntPredicate stall;

    FakePlatform(final IntPredicate reject, final IntPredicate drop) throws IOException {
        this(reject, drop, n -> false);
    }

    /** As above; requests for which {@code stall} holds are answered only after one second. */
    FakePlatform(final IntPredicate reject, final IntPredicate drop, final IntPredicate stall) throws IOException {
        this.stall = stall;
        this.reject = reject;
        this.drop = drop;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(executor);
        server.createContext("/write", this::write);
        server.createContext("/api/v1/query", this::query);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    long storedSamples() {
        return storedSamples.get();
    }

    long droppedSamples() {
        return droppedSamples.get();
    }

    int requests() {
        return requests.get();
    }

    private void write(final HttpExchange ex) throws IOException {
        final int n = requests.incrementAndGet();
        final String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (stall.test(n)) {
            try {
                new java.util.concurrent.CountDownLatch(1).await(1, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (reject.test(n)) {
            respond(ex, 503, "{\"error\":{\"code\":\"throttled\",\"message\":\"fake overload\"}}");
            return;
        }
        final boolean lose = drop.test(n);
        for (String line : body.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            final String[] parts = line.split(" ");
            final String[] head = parts[0].split(",");
            final LabelSet.Builder l = LabelSet.builder().add("__name__", head[0] + "_value");
            for (int i = 1; i < head.length; i++) {
                final String[] kv = head[i].split("=", 2);
                l.add(kv[0], kv[1]);
            }
            String v = parts[1].substring("value=".length());
            v = v.endsWith("i") ? v.substring(0, v.length() - 1) : v;
            if (lose) {
                droppedSamples.incrementAndGet();
                continue;
            }
            final TreeMap<Long, Double> series = store.computeIfAbsent(l.build(), k -> new TreeMap<>());
            synchronized (series) {
                series.put(Long.parseLong(parts[2]), Double.parseDouble(v));
            }
            storedSamples.incrementAndGet();
        }
        ex.sendResponseHeaders(204, -1);
        ex.close();
    }

    private void query(final HttpExchange ex) throws IOException {
        final Map<String, String> params = new TreeMap<>();
        for (String kv : ex.getRequestURI().getRawQuery().split("&")) {
            final String[] p = kv.split("=", 2);
            params.put(p[0], URLDecoder.decode(p[1], StandardCharsets.UTF_8));
        }
        final String q = params.get("query");
        final String metric = q.substring(q.indexOf('"') + 1, q.lastIndexOf('"'));
        final long rangeMs = Long.parseLong(q.substring(q.lastIndexOf('[') + 1, q.lastIndexOf("ms]")));
        final long timeMs = new java.math.BigDecimal(params.get("time")).movePointRight(3).longValueExact();
        final StringBuilder sb = new StringBuilder("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\","
            + "\"result\":[");
        final List<String> series = new ArrayList<>();
        store.forEach((labels, samples) -> {
            if (!metric.equals(labels.metricName())) {
                return;
            }
            final StringBuilder s = new StringBuilder("{\"metric\":{");
            for (int i = 0; i < labels.size(); i++) {
                s.append(i > 0 ? "," : "").append('"').append(labels.name(i)).append("\":\"").append(labels.value(i))
                    .append('"');
            }
            s.append("},\"values\":[");
            synchronized (samples) {
                boolean first = true;
                for (Map.Entry<Long, Double> e : samples.subMap(timeMs - rangeMs, false, timeMs, true).entrySet()) {
                    s.append(first ? "" : ",").append('[').append(e.getKey() / 1000).append('.')
                        .append(String.format(java.util.Locale.ROOT, "%03d", e.getKey() % 1000)).append(",\"")
                        .append(e.getValue()).append("\"]");
                    first = false;
                }
            }
            series.add(s.append("]}").toString());
        });
        sb.append(String.join(",", series)).append("]}}");
        respond(ex, 200, sb.toString());
    }

    private static void respond(final HttpExchange ex, final int status, final String body) throws IOException {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
