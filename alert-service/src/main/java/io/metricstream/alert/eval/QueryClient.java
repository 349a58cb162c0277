package io.metricstream.alert.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metricstream.alert.state.ResultSeries;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * HTTP client of the query service's Prometheus API: {@code POST /api/v1/query} with form
 * {@code query=<expr>&time=<seconds>}, timeout per request. Answers are never exceptions: a transport failure,
 * a non-JSON body or a Prometheus error ({@code {"status":"error","errorType","error"}}) becomes
 * {@link QueryResult#failed}. Thread-safe.
 */
public final class QueryClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http;
    private final URI endpoint;
    private final long timeoutMs;

    /** A client of {@code baseUrl} (e.g. http://127.0.0.1:9090). */
    public QueryClient(HttpClient http, String baseUrl, long timeoutMs) {
        this.http = http;
        this.endpoint = URI.create((baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl)
            + "/api/v1/query");
        this.timeoutMs = timeoutMs;
    }

    /** Evaluates {@code expr} at {@code timeMs}. */
    public CompletableFuture<QueryResult> query(String expr, long timeMs) {
        final String form = "query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8) + "&time="
            + (timeMs / 1000) + "." + String.format(java.util.Locale.ROOT, "%03d", timeMs % 1000);
        final HttpRequest req = HttpRequest.newBuilder(endpoint).timeout(Duration.ofMillis(timeoutMs))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()).handle((resp, err) -> {
            if (err != null) {
                final Throwable c = err.getCause() == null ? err : err.getCause();
                return QueryResult.failed("query service unreachable at " + endpoint + ": " + c);
            }
            return parse(resp.statusCode(), resp.body());
        });
    }

    /** Parses a Prometheus API answer. */
    static QueryResult parse(int status, byte[] body) {
        final JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            return QueryResult.failed("query service answered " + status + " with a non-JSON body");
        }
        if (root == null || !"success".equals(root.path("status").asText())) {
            final String type = root == null ? "" : root.path("errorType").asText("");
            final String msg = root == null ? "" : root.path("error").asText("");
            return QueryResult.failed((type.isEmpty() ? "http " + status : type) + ": " + msg);
        }
        final JsonNode data = root.path("data");
        final String type = data.path("resultType").asText();
        final JsonNode result = data.path("result");
        final List<ResultSeries> out = new ArrayList<>();
        switch (type) {
            case "vector":
                for (JsonNode s : result) {
                    out.add(new ResultSeries(labels(s.path("metric")), number(s.path("value").path(1))));
                }
                return new QueryResult(out, null);
            case "scalar":
                out.add(new ResultSeries(Map.of(), number(result.path(1))));
                return new QueryResult(out, null);
            default:
                return QueryResult.failed("rule expression must return an instant vector or scalar; got "
                    + (type.isEmpty() ? "nothing" : type));
        }
    }

    private static Map<String, String> labels(JsonNode m) {
        final Map<String, String> out = new HashMap<>();
        final Iterator<Map.Entry<String, JsonNode>> it = m.fields();
        while (it.hasNext()) {
            final Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static double number(JsonNode v) {
        final String s = v.asText("NaN");
        return switch (s) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    yield Double.NaN;
                }
            }
        };
    }
}
