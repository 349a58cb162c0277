package io.metricstream.query.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.query.eval.Engine;
import io.metricstream.query.remote.InMemorySeriesSource;
import io.metricstream.runtime.http.HttpServer;
import io.metricstream.runtime.http.HttpServerOptions;
import io.metricstream.runtime.http.Router;
import io.metricstream.runtime.lifecycle.EventLoops;
import io.metricstream.runtime.logging.DistinctErrorLog;
import io.metricstream.testsupport.HttpProbe;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * A matrix answer big enough to be written in parts on several threads, failing after some parts were written: the
 * client gets Prometheus's error shape with 500, never a 200 (nothing is sent before the whole answer is written).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AnswerFailureTest {
    @Test
    void shouldAnswerInternalErrorNotPartial200WhenAnswerFailsAfterSomePartsWereWritten() throws Exception {
        // the parts' executor writes every part it is handed, then fails otherwise than by rejecting
        answer(task -> {
            task.run();
            throw new IllegalStateException("parts executor failed");
        }, "\"java.lang.IllegalStateException: parts executor failed\"");
    }

    @Test
    void shouldAnswerInternalErrorWhenTheAnswerRunsOutOfMemory() throws Exception {
        answer(task -> {
            throw new OutOfMemoryError("Direct buffer memory");
        }, "\"out of memory answering the query (Direct buffer memory): narrow the query or give the query service"
            + " more heap\"");
    }

    private static void answer(final Executor parts, final String expectedError) throws Exception {
        final InMemorySeriesSource src = new InMemorySeriesSource();
        // 12 series x 1,441 points: above PromJson.PARALLEL_MIN_POINTS, so the answer is written in parts
        for (int s = 0; s < 12; s++) {
            for (int i = 0; i <= 1_440; i++) {
                src.add(LabelSet.of("__name__", "g", "k", Integer.toString(s)), i * 60_000L, i / 7.0 + s);
            }
        }
        final ExecutorService executor = Executors.newFixedThreadPool(1);
        try (EventLoops loops = EventLoops.create(1)) {
            final Router router = new Router();
            new PromApiRoutes(new Engine(src, new Engine.Options(300_000, 50_000_000, 1_000_000, 30_000)), src,
                executor, parts, 30_000, null, null).register(router);
            final HttpServer server = HttpServer.bind(loops, HttpServerOptions.plain("127.0.0.1", 0), router,
                new DistinctErrorLog(LoggerFactory.getLogger(AnswerFailureTest.class), Duration.ofSeconds(10)));
            try {
                final String base = "http://127.0.0.1:" + server.port();
                final HttpProbe.Response failed = HttpProbe.get(base + "/api/v1/query_range?query=g&start=0"
                    + "&end=86400&step=60");
                final boolean parallel = Runtime.getRuntime().availableProcessors() > 1;
                if (parallel) {
                    assertEquals(500, failed.status(), failed.body());
                    assertEquals("{\"status\":\"error\",\"errorType\":\"internal\",\"error\":" + expectedError + "}",
                        failed.body());
                } else {
                    assertEquals(200, failed.status(), failed.body());
                }
                // an answer written in one part does not use that executor, and is whole
                final HttpProbe.Response small = HttpProbe.get(base + "/api/v1/query_range?query="
                    + "g%7Bk%3D%221%22%7D&start=0&end=120&step=60");
                assertEquals(200, small.status(), small.body());
                assertTrue(small.body().endsWith("\"values\":[[0,\"1\"],[60,\"1.1428571428571428\"],"
                    + "[120,\"1.2857142857142856\"]]}]}}"), small.body());
            } finally {
                server.stopAccepting();
                server.drainAndClose(Duration.ofSeconds(1));
            }
        } finally {
            executor.shutdownNow();
        }
    }
}
