package io.metricstream.runtime.http.bench;

import io.metricstream.runtime.http.HttpServer;
import io.metricstream.runtime.http.HttpServerOptions;
import io.metricstream.runtime.http.Router;
import io.metricstream.runtime.lifecycle.EventLoops;
import io.metricstream.runtime.logging.DistinctErrorLog;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server alone, for wrk: {@code GET /health} answers 200 JSON on the event loop; {@code POST /write}
 * answers 204 from another thread, the way ingest answers after the queue's ack (a response hop to the event loop).
 * Uses only the runtime's public API, so the same class measures an older runtime jar too.
 * <pre>
 *   java -cp target/test-classes:target/classes:$(deps) io.metricstream.runtime.http.bench.HttpBenchServer 8099 2
 *   wrk -t2 -c50 -d10s http://127.0.0.1:8099/health
 * </pre>
 * Runs until killed. Not a test.
 */
public final class HttpBenchServer {
    private static final Logger LOG = LoggerFactory.getLogger(HttpBenchServer.class);
    private static final byte[] UP = "{\"status\":\"up\"}".getBytes(StandardCharsets.UTF_8);

    private HttpBenchServer() {
    }

    /** Args: port, worker threads. */
    public static void main(String[] args) throws InterruptedException {
        final int port = args.length > 0 ? Integer.parseInt(args[0]) : 8099;
        final int workers = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        final ExecutorService acker = Executors.newSingleThreadExecutor();
        final Router router = new Router()
            .get("/health", ex -> ex.respondJson(HttpResponseStatus.OK, UP))
            .post("/write", ex -> {
                if (ex.queryParam("precision") == null) {
                    ex.respondError(HttpResponseStatus.BAD_REQUEST, "bad_data", "no precision", "precision");
                    return;
                }
                acker.execute(() -> ex.respond(HttpResponseStatus.NO_CONTENT, null, Unpooled.EMPTY_BUFFER));
            });
        final EventLoops loops = EventLoops.create(workers);
        final HttpServer server = HttpServer.bind(loops, HttpServerOptions.plain("127.0.0.1", port), router,
            new DistinctErrorLog(LOG, Duration.ofMinutes(1)));
        LOG.info("bench server on port {} ({} workers)", server.port(), workers);
        new CountDownLatch(1).await();
    }
}
