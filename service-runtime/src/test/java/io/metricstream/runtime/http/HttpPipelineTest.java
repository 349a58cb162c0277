package io.metricstream.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.runtime.logging.DistinctErrorLog;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpPipelineTest {
    private final List<HttpExchange> parked = new ArrayList<>();
    private final Router router = new Router()
        .get("/hello", ex -> ex.respondText(HttpResponseStatus.OK, "hello"))
        .post("/echo-length", ex -> ex.respondText(HttpResponseStatus.OK, "len=" + ex.body().readableBytes()))
        .post("/echo", ex -> ex.respondText(HttpResponseStatus.OK, ex.body().toString(StandardCharsets.UTF_8)))
        .post("/park/{id}", parked::add)
        .get("/park/{id}", parked::add)
        .get("/boom", ex -> {
            throw new IllegalStateException("kaput");
        })
        .post("/form", ex -> ex.respondText(HttpResponseStatus.OK, ex.formOrQueryParam("query") + "|"
            + ex.formOrQueryParams("match[]")));
    private EmbeddedChannel channel;

    private EmbeddedChannel channel(int maxBodyBytes) {
        channel = new EmbeddedChannel(new HttpServerInitializer(router, new BodyLimits(maxBodyBytes, true), null,
            new RequestTracker(), new DistinctErrorLog(LoggerFactory.getLogger("test"), Duration.ofMinutes(1))));
        return channel;
    }

    @AfterEach
    void release() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    private void send(String raw) {
        channel.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
    }

    private void send(String head, byte[] body) {
        channel.writeInbound(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.ISO_8859_1), body));
    }

    private String output() {
        channel.runPendingTasks();
        final StringBuilder sb = new StringBuilder();
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            sb.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return sb.toString();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    @Test
    void shouldWriteResponsesInRequestOrderWhenHandlersCompleteOutOfOrder() {
        channel(1024);
        send("GET /park/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /park/2 HTTP/1.1\r\nHost: x\r\n\r\n"
            + "GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /park/3 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(3, parked.size());
        parked.get(2).respondText(HttpResponseStatus.OK, "three");
        parked.get(1).respondText(HttpResponseStatus.OK, "two");
        assertEquals("", output(), "nothing may be written before response 1");
        parked.get(0).respondText(HttpResponseStatus.OK, "one");
        final String out = output();
        final int one = out.indexOf("one");
        final int two = out.indexOf("two");
        final int hello = out.indexOf("hello");
        final int three = out.indexOf("three");
        assertTrue(one > 0 && one < two && two < hello && hello < three, out);
        assertTrue(channel.isActive());
    }

    @Test
    void shouldAnswer413JsonWhenBodyExceedsLimit() {
        channel(16);
        send("POST /echo-length HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n", new byte[100]);
        final String out = output();
        assertTrue(out.startsWith("HTTP/1.1 413"), out);
        assertTrue(out.contains("{\"error\":{\"code\":\"body_too_large\",\"message\":\"request body exceeds "
            + "maxBodyBytes=16\"}}"), out);
        assertTrue(out.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), out);
    }

    @Test
    void shouldAnswerJsonErrorsWhenRouteIsMissingOrMethodWrongOrHandlerThrows() {
        channel(1024);
        send("GET /nope HTTP/1.1\r\nHost: x\r\n\r\nDELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n"
            + "GET /boom HTTP/1.1\r\nHost: x\r\n\r\n");
        final String out = output();
        assertTrue(out.contains("HTTP/1.1 404 Not Found"), out);
        assertTrue(out.contains("{\"error\":{\"code\":\"not_found\",\"message\":\"no route for GET /nope\"}}"), out);
        assertTrue(out.contains("HTTP/1.1 405 Method Not Allowed"), out);
        assertTrue(out.contains("allow: GET"), out);
        assertTrue(out.contains("HTTP/1.1 500 Internal Server Error"), out);
        assertTrue(out.contains("{\"error\":{\"code\":\"internal\",\"message\":\"internal error handling /boom\"}}"),
            out);
    }

    @Test
    void shouldInflateBodyWhenContentEncodingIsGzip() throws IOException {
        channel(1 << 20);
        final byte[] body = gzip(new byte[5000]);
        send("POST /echo-length HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: " + body.length
            + "\r\n\r\n", body);
        final String out = output();
        assertTrue(out.startsWith("HTTP/1.1 200") && out.endsWith("len=5000"), out);
    }

    @Test
    void shouldPassBodyThroughWhenContentEncodingIsSnappyBlockAsPrometheusSends() {
        channel(1 << 20);
        final byte[] body = {0x0a, 0x24, 0x01, 0x02, 0x03, 0x04, 0x05};
        send("POST /echo-length HTTP/1.1\r\nHost: x\r\nContent-Encoding: snappy\r\nContent-Length: " + body.length
            + "\r\n\r\n", body);
        final String out = output();
        assertTrue(out.startsWith("HTTP/1.1 200") && out.endsWith("len=7"), out);
    }

    @Test
    void shouldAnswer413WhenDecompressedBodyExceedsLimit() throws IOException {
        channel(1 << 20);
        final byte[] bomb = gzip(new byte[32 << 20]);
        assertTrue(bomb.length < (1 << 20), "the compressed body itself is under the limit");
        send("POST /echo-length HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: " + bomb.length
            + "\r\n\r\n", bomb);
        final String out = output();
        assertTrue(out.startsWith("HTTP/1.1 413"), out.substring(0, Math.min(200, out.length())));
        assertTrue(out.contains("\"code\":\"body_too_large\""), out);
    }

    @Test
    void shouldPreferFormBodyOverQueryWhenPostIsFormEncoded() {
        channel(1024);
        final String form = "query=up&match%5B%5D=a";
        send("POST /form?query=down&match[]=b HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
            + "\r\nContent-Length: " + form.length() + "\r\n\r\n" + form);
        final String out = output();
        assertTrue(out.endsWith("up|[a, b]"), out);
    }

    @Test
    void shouldWriteResponsesInRequestOrderWhenMorePipelinedThanTheHeldRingFirstHolds() {
        channel(1024);
        final StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            requests.append("GET /park/").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        send(requests.toString());
        assertEquals(40, parked.size());
        for (int i = 39; i >= 1; i--) {
            parked.get(i).respondText(HttpResponseStatus.OK, "<r" + i + ">");
        }
        assertEquals("", output(), "nothing may be written before response 0");
        parked.get(0).respondText(HttpResponseStatus.OK, "<r0>");
        final String out = output();
        int at = -1;
        for (int i = 0; i < 40; i++) {
            final int next = out.indexOf("<r" + i + ">");
            assertTrue(next > at, "response " + i + " out of order: " + out);
            at = next;
        }
        assertTrue(channel.isActive());
    }

    @Test
    void shouldAggregateBodyWhenItArrivesInSeveralPieces() {
        channel(1 << 20);
        final StringBuilder body = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            body.append(i % 10);
        }
        final String b = body.toString();
        send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + b.length() + "\r\n\r\n" + b.substring(0, 7));
        send(b.substring(7, 1500));
        send(b.substring(1500) + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
        final String out = output();
        assertTrue(out.contains("\r\n\r\n" + b + "HTTP/1.1 200"), out);
        assertTrue(out.endsWith("\r\n\r\nhello"), out);
    }

    @Test
    void shouldAnswerWhenBodyIsChunkedOrEmptyOrExpectsContinue() {
        channel(1024);
        send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
            + "POST /echo-length HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
            + "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
        send("wxyz");
        final String out = output();
        final int chunked = out.indexOf("\r\n\r\nabcde");
        final int empty = out.indexOf("len=0");
        final int proceed = out.indexOf("HTTP/1.1 100 Continue");
        assertTrue(chunked > 0 && chunked < empty && empty < proceed && out.endsWith("\r\n\r\nwxyz"), out);
    }

    @Test
    void shouldAnswer400AndCloseWhenRequestIsMalformed() {
        channel(1024);
        send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
        final String out = output();
        assertTrue(out.startsWith("HTTP/1.1 400"), out);
        assertTrue(out.contains("\"code\":\"bad_request\""), out);
        assertTrue(!channel.isActive() || out.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), out);
    }

    @Test
    void shouldHandGzipBodyThroughUninflatedWhenDecompressionIsOff() throws IOException {
        channel = new EmbeddedChannel(new HttpServerInitializer(router, new BodyLimits(1 << 20, false), null,
            new RequestTracker(), new DistinctErrorLog(LoggerFactory.getLogger("test"), Duration.ofMinutes(1))));
        final byte[] body = gzip(new byte[5000]);
        send("POST /echo-length HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: " + body.length
            + "\r\n\r\n", body);
        final String out = output();
        assertTrue(out.startsWith("HTTP/1.1 200") && out.endsWith("len=" + body.length), out);
    }
}
