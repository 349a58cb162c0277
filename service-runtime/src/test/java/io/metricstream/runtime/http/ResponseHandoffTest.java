package io.metricstream.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.runtime.lifecycle.EventLoops;
import io.metricstream.runtime.logging.DistinctErrorLog;
import io.metricstream.testsupport.Awaits;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ResponseHandoffTest {
    private static final int PER_CONNECTION = 20;
    private final ConcurrentHashMap<String, HttpExchange> parked = new ConcurrentHashMap<>();
    private final EventLoops loops = EventLoops.create(2);

    @AfterEach
    void stop() {
        loops.shutdown(Duration.ofSeconds(2));
    }

    private static String readResponses(InputStream in, int count) throws IOException {
        final StringBuilder sb = new StringBuilder();
        int seen = 0;
        while (seen < count) {
            final int b = in.read();
            if (b < 0) {
                break;
            }
            sb.append((char) b);
            if (b == '|') {
                seen++;
            }
        }
        return sb.toString();
    }

    @Test
    void shouldWriteEveryResponseInRequestOrderWhenOneThreadAnswersManyConnectionsInBatch() throws Exception {
        final Router router = new Router().get("/park/{id}", ex -> parked.put(ex.pathParam("id"), ex));
        final HttpServer server = HttpServer.bind(loops, HttpServerOptions.plain("127.0.0.1", 0), router,
            new DistinctErrorLog(LoggerFactory.getLogger("test"), Duration.ofMinutes(1)));
        // two connections: one per event loop (connections are spread round robin)
        try (Socket a = new Socket("127.0.0.1", server.port()); Socket b = new Socket("127.0.0.1", server.port())) {
            final List<Socket> sockets = List.of(a, b);
            for (int c = 0; c < sockets.size(); c++) {
                final StringBuilder pipelined = new StringBuilder();
                for (int i = 0; i < PER_CONNECTION; i++) {
                    pipelined.append("GET /park/").append(c).append('-').append(i)
                        .append(" HTTP/1.1\r\nHost: x\r\n\r\n");
                }
                final OutputStream out = sockets.get(c).getOutputStream();
                out.write(pipelined.toString().getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            Awaits.await(Duration.ofSeconds(10), () -> parked.size() == 2 * PER_CONNECTION,
                () -> "parked " + parked.size());
            // answered newest first, from this (non event loop) thread, in one batch
            HttpExchange.respondBatched(() -> {
                for (int i = PER_CONNECTION - 1; i >= 0; i--) {
                    for (int c = 0; c < sockets.size(); c++) {
                        parked.get(c + "-" + i).respondText(HttpResponseStatus.OK, c + "-" + i + "|");
                    }
                }
            });
            for (int c = 0; c < sockets.size(); c++) {
                final String got = readResponses(sockets.get(c).getInputStream(), PER_CONNECTION);
                final List<Integer> order = new ArrayList<>();
                for (int i = 0; i < PER_CONNECTION; i++) {
                    final int at = got.indexOf("\r\n\r\n" + c + "-" + i + "|");
                    assertTrue(at > 0, "response " + c + "-" + i + " missing in " + got);
                    order.add(at);
                }
                for (int i = 1; i < order.size(); i++) {
                    assertTrue(order.get(i - 1) < order.get(i), "responses out of request order: " + got);
                }
            }
        } finally {
            server.stopAccepting();
            server.drainAndClose(Duration.ofSeconds(1));
        }
        assertEquals(0, server.tracker().inFlight());
    }

    @Test
    void shouldLeaveResponsesToCallerWhenNotInsideBatch() {
        assertFalse(ResponseHandoff.offer(loops.workerGroup().next(), null, 0, null, null),
            "outside respondBatched a response is handed over on its own");
    }
}
