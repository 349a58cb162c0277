package io.metricstream.alert;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the query service's Prometheus API: {@code /api/v1/query} answers the canned JSON registered for
 * the expression (an empty vector otherwise); {@code /metrics} (ingestion write-back) answers 200 and counts.
 */
public final class FakePrometheusApi implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    private final AtomicInteger writes = new AtomicInteger();
    private final java.util.List<String> written = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Starts on an ephemeral loopback port. */
    public FakePrometheusApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
            final Thread t = new Thread(r, "fake-prom");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/api/v1/query", this::query);
        server.createContext("/metrics", ex -> {
            written.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            writes.incrementAndGet();
            reply(ex, 200, "{\"accepted\":1}");
        });
        server.start();
    }

    private void query(HttpExchange ex) throws IOException {
        final String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String expr = "";
        for (String kv : body.split("&")) {
            if (kv.startsWith("query=")) {
                expr = URLDecoder.decode(kv.substring(6), StandardCharsets.UTF_8);
            }
        }
        queries.incrementAndGet();
        reply(ex, 200, answers.getOrDefault(expr, vector()));
    }

    private static void reply(HttpExchange ex, int status, String json) throws IOException {
        final byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    /** A Prometheus vector answer; {@code series} are pairs of (labels JSON, value). */
    public static String vector(String... series) {
        final StringBuilder b = new StringBuilder("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
            + "\"result\":[");
        for (int i = 0; i < series.length; i += 2) {
            b.append(i > 0 ? "," : "").append("{\"metric\":").append(series[i]).append(",\"value\":[1700000000,\"")
                .append(series[i + 1]).append("\"]}");
        }
        return b.append("]}}").toString();
    }

    /** Sets the answer for {@code expr}. */
    public void answer(String expr, String json) {
        answers.put(expr, json);
    }

    /** Base URL. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queries answered. */
    public int queries() {
        return queries.get();
    }

    /** Bodies of the write-backs received. */
    public java.util.List<String> written() {
        return written;
    }

    /** Write-backs received. */
    public int writes() {
        return writes.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
