package io.metricstream.alert.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metricstream.runtime.logging.DistinctErrorLog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * Writes rule output (recording rule results, {@code ALERTS}, {@code ALERTS_FOR_STATE}) back through the
 * ingestion service: {@code POST <ingestion_url>/metrics} with a seed JSON array
 * {@code [{"timestamp":ms,"name":n,"value":v,"labels":{...}}]}. Best effort: a failure is counted and logged once
 * per interval; the next evaluation writes fresh values. Thread-safe.
 */
public final class IngestionWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http;
    private final URI endpoint;
    private final long timeoutMs;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final DistinctErrorLog errors = new DistinctErrorLog(LoggerFactory.getLogger(IngestionWriter.class),
        Duration.ofSeconds(30));

    /** A writer to {@code baseUrl} (e.g. http://127.0.0.1:8080). */
    public IngestionWriter(HttpClient http, String baseUrl, long timeoutMs) {
        this.http = http;
        this.endpoint = URI.create((baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl)
            + "/metrics");
        this.timeoutMs = timeoutMs;
    }

    /** A batch under construction. Not thread-safe. */
    public static final class Batch {
        private final ArrayNode samples = JSON.createArrayNode();

        /** Adds one sample. */
        public Batch add(String name, Map<String, String> labels, long timestampMs, double value) {
            final ObjectNode o = samples.addObject();
            o.put("timestamp", timestampMs);
            o.put("name", name);
            if (Double.isFinite(value)) {
                o.put("value", value);
            } else {
                o.put("value", Double.isNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf");
            }
            final ObjectNode l = o.putObject("labels");
            labels.forEach((k, v) -> {
                if (!k.equals("__name__")) {
                    l.put(k, v);
                }
            });
            return this;
        }

        /** True when empty. */
        public boolean isEmpty() {
            return samples.isEmpty();
        }

        int size() {
            return samples.size();
        }
    }

    /** Sends {@code batch}; completes when ingestion answered (never exceptionally). */
    public CompletableFuture<Boolean> write(Batch batch) {
        if (batch.isEmpty()) {
            return CompletableFuture.completedFuture(true);
        }
        final byte[] body;
        try {
            body = JSON.writeValueAsBytes(batch.samples);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise samples", e);
        }
        final HttpRequest req = HttpRequest.newBuilder(endpoint).timeout(Duration.ofMillis(timeoutMs))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).handle((resp, err) -> {
            if (err == null && resp.statusCode() / 100 == 2) {
                written.addAndGet(batch.size());
                return true;
            }
            failures.incrementAndGet();
            errors.error("write", "cannot write rule output to " + endpoint + ": " + (err != null ? err
                : "status " + resp.statusCode() + " " + resp.body()), null);
            return false;
        });
    }

    /** Failed writes. */
    public long failures() {
        return failures.get();
    }

    /** Samples written. */
    public long written() {
        return written.get();
    }
}
