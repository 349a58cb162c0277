package io.metricstream.runtime.health;

import io.metricstream.runtime.http.Router;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.runtime.metrics.PrometheusTextWriter;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Installs {@code GET /health} (200 {@code {"status":"up"}} while the process serves), {@code GET /ready} (200
 * {@code {"status":"ready"}}, or 503 {@code not_ready} naming the conditions that do not hold) and
 * {@code GET /metrics} (Prometheus text 0.0.4 of the registry).
 */
public final class HealthRoutes {
    private static final byte[] UP = "{\"status\":\"up\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] READY = "{\"status\":\"ready\"}".getBytes(StandardCharsets.UTF_8);

    private HealthRoutes() {
    }

    /** Adds the three routes to {@code router}. */
    public static void install(Router router, Readiness readiness, MetricsRegistry registry) {
        router.get("/health", ex -> ex.respondJson(HttpResponseStatus.OK, UP));
        router.get("/ready", ex -> {
            final List<String> waiting = readiness.notReady();
            if (waiting.isEmpty()) {
                ex.respondJson(HttpResponseStatus.OK, READY);
            } else {
                ex.respondError(HttpResponseStatus.SERVICE_UNAVAILABLE, "not_ready",
                    "not ready: " + String.join(", ", waiting), null);
            }
        });
        router.get("/metrics", ex -> ex.respond(HttpResponseStatus.OK, PrometheusTextWriter.CONTENT_TYPE,
            Unpooled.wrappedBuffer(PrometheusTextWriter.write(registry).getBytes(StandardCharsets.UTF_8))));
    }
}
