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
 * {@code GET /metrics} (Prometheus text 0.0.4 of the registry); {@code /-/healthy} and {@code /-/ready} answer as
 * {@code /health} and {@code /ready}, the paths Prometheus, Alertmanager and VictoriaMetrics serve (probes and
 * scripts written for them work unchanged).
 */
public final class HealthRoutes {
    private static final byte[] UP = "{\"status\":\"up\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] READY = "{\"status\":\"ready\"}".getBytes(StandardCharsets.UTF_8);

    private HealthRoutes() {
    }

    /** Adds the routes to {@code router}. */
    public static void install(Router router, Readiness readiness, MetricsRegistry registry) {
        for (final String path : List.of("/health", "/-/healthy")) {
            router.get(path, ex -> ex.respondJson(HttpResponseStatus.OK, UP));
        }
        for (final String path : List.of("/ready", "/-/ready")) {
            router.get(path, ex -> {
                final List<String> waiting = readiness.notReady();
                if (waiting.isEmpty()) {
                    ex.respondJson(HttpResponseStatus.OK, READY);
                } else {
                    ex.respondError(HttpResponseStatus.SERVICE_UNAVAILABLE, "not_ready",
                        "not ready: " + String.join(", ", waiting), null);
                }
            });
        }
        router.get("/metrics", ex -> ex.respond(HttpResponseStatus.OK, PrometheusTextWriter.CONTENT_TYPE,
            Unpooled.wrappedBuffer(PrometheusTextWriter.write(registry).getBytes(StandardCharsets.UTF_8))));
    }
}
