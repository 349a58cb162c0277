package io.metricstream.ingestion.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.model.StaleMarker;
import io.metricstream.ingestion.format.RemoteWriteEncoder;
import io.metricstream.testsupport.Awaits;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyFramedOutputStream;

@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IngestionServiceIntegrationTest {
    private static byte[] influx(final int lines, final int offset) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            sb.append("cpu,host=h").append((i + offset) % 50).append(",region=r").append(i % 3)
                .append(" usage=").append(i).append(".25 ").append(1_700_000_000_000L + i).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(final byte[] b) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        }
        return out.toByteArray();
    }

    @Test
    void shouldEnqueueEverySampleExactlyOnceWhenInfluxPostedOverManyRequests() {
        try (IngestionHarness h = new IngestionHarness(Map.of())) {
            for (int r = 0; r < 20; r++) {
                final HttpResponse<String> res = h.post("/write?precision=ms", influx(500, r));
                assertEquals(204, res.statusCode(), res.body());
            }
            assertEquals(10_000, h.queue.samples.get());
            assertTrue(h.queue.records.get() < 10_000, "repeated series share records: " + h.queue.records.get());
            assertEquals(0, h.queue.badBatches.get());
            assertEquals(0, h.queue.wrongPartition.get());
            final FakeQueue.Received first = h.queue.received.get(0);
            final LabelSet labels = SeriesKeyCodec.decode(Unpooled.wrappedBuffer(first.key()), 0, first.key().length);
            assertEquals("cpu_usage", labels.metricName());
        } catch (final Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldKeepStaleMarkerBitsAndAnswer204WhenRemoteWritePosted() throws Exception {
        try (IngestionHarness h = new IngestionHarness(Map.of())) {
            final byte[] body = RemoteWriteEncoder.body(List.of(new RemoteWriteEncoder.Series(
                List.of(new String[] {"__name__", "up"}, new String[] {"job", "api"}), new long[] {1, 2, 3},
                new long[] {Double.doubleToRawLongBits(1), Double.doubleToRawLongBits(0), StaleMarker.BITS})));
            final HttpResponse<String> res = h.post("/api/v1/write", body, "Content-Type", "application/x-protobuf",
                "X-Prometheus-Remote-Write-Version", "0.1.0");
            assertEquals(204, res.statusCode(), res.body());
            assertEquals(3, h.queue.samples.get());
            assertEquals(1, h.queue.records.get(), "one record per series run");
            assertEquals(StaleMarker.BITS, h.queue.received.get(2).valueBits());
        }
    }

    @Test
    void shouldAnswer204WhenRemoteWriteBodyIsSnappyBlockWithContentEncodingSnappy() throws Exception {
        try (IngestionHarness h = new IngestionHarness(Map.of())) {
            final byte[] body = RemoteWriteEncoder.body(List.of(new RemoteWriteEncoder.Series(
                List.of(new String[] {"__name__", "up"}, new String[] {"job", "node"}), new long[] {10, 20},
                new long[] {Double.doubleToRawLongBits(1), Double.doubleToRawLongBits(1)})));
            // block format: starts with the varint of the uncompressed length, not framed snappy's 0xff chunk
            assertTrue(Snappy.isValidCompressedBuffer(body) && (body[0] & 0xff) != 0xff);
            final HttpResponse<String> res = h.post("/api/v1/write", body, "Content-Encoding", "snappy",
                "Content-Type", "application/x-protobuf", "X-Prometheus-Remote-Write-Version", "0.1.0",
                "User-Agent", "Prometheus/2.42.0");
            assertEquals(204, res.statusCode(), res.body());
            assertEquals(2, h.queue.samples.get());
            final FakeQueue.Received first = h.queue.received.get(0);
            final LabelSet labels = SeriesKeyCodec.decode(Unpooled.wrappedBuffer(first.key()), 0, first.key().length);
            assertEquals(LabelSet.of("__name__", "up", "job", "node"), labels);
        }
    }

    @Test
    void shouldAnswer400Or415AndEnqueueNothingWhenBodyEncodingIsNotOneTheEndpointReads() throws Exception {
        try (IngestionHarness h = new IngestionHarness(Map.of())) {
            final byte[] body = RemoteWriteEncoder.body(List.of(new RemoteWriteEncoder.Series(
                List.<String[]>of(new String[] {"__name__", "up"}), new long[] {1},
                new long[] {Double.doubleToRawLongBits(1)})));
            final ByteArrayOutputStream framed = new ByteArrayOutputStream();
            try (SnappyFramedOutputStream out = new SnappyFramedOutputStream(framed)) {
                out.write(RemoteWriteEncoder.writeRequest(List.of(new RemoteWriteEncoder.Series(
                    List.<String[]>of(new String[] {"__name__", "up"}), new long[] {1},
                    new long[] {Double.doubleToRawLongBits(1)}))));
            }
            final HttpResponse<String> framedRes = h.post("/api/v1/write", framed.toByteArray(),
                "Content-Encoding", "snappy");
            assertEquals(400, framedRes.statusCode(), framedRes.body());
            assertTrue(framedRes.body().contains("not snappy block format"), framedRes.body());
            final HttpResponse<String> brotli = h.post("/api/v1/write", body, "Content-Encoding", "br");
            assertEquals(415, brotli.statusCode(), brotli.body());
            assertTrue(brotli.body().contains("\"field\":\"Content-Encoding\""), brotli.body());
            final HttpResponse<String> influxSnappy = h.post("/write", Snappy.compress(influx(3, 0)),
                "Content-Encoding", "snappy");
            assertEquals(415, influxSnappy.statusCode(), influxSnappy.body());
            final HttpResponse<String> jsonSnappy = h.post("/metrics", Snappy.compress(
                "{\"name\":\"up\",\"value\":1}".getBytes(StandardCharsets.UTF_8)), "Content-Encoding", "snappy");
            assertEquals(415, jsonSnappy.statusCode(), jsonSnappy.body());
            assertEquals(0, h.queue.samples.get());
            assertEquals(204, h.post("/write", influx(3, 0), "Content-Encoding", "identity").statusCode());
            assertEquals(3, h.queue.samples.get());
        }
    }

    @Test
    void shouldReject400WithLineAndFieldAndEnqueueNothingWhenOneLineIsBad() throws Exception {
        try (IngestionHarness h = new IngestionHarness(Map.of())) {
            final byte[] body = "cpu v=1 1\ncpu,h=a v=oops 2\ncpu v=3 3\n".getBytes(StandardCharsets.UTF_8);
            final HttpResponse<String> res = h.post("/api/v2/write", body);
            assertEquals(400, res.statusCode());
            assertTrue(res.body().contains("\"code\":\"bad_data\""), res.body());
            assertTrue(res.body().contains("\"line\":2"), res.body());
            assertTrue(res.body().contains("\"index\":1"), res.body());
            assertTrue(res.body().contains("\"field\":\"field v\""), res.body());
            assertTrue(res.body().contains("\"reason\":\"bad value"), res.body());
            assertEquals(0, h.queue.samples.get());
        }
    }

    @Test
    void shouldAnswer401And403WhenApiKeysAreOn() throws Exception {
        try (IngestionHarness h = new IngestionHarness(Map.of("ingestion.api_keys", "k1,k2"))) {
            final byte[] body = influx(1, 0);
            final HttpResponse<String> missing = h.post("/write", body);
            assertEquals(401, missing.statusCode());
            assertTrue(missing.body().contains("\"code\":\"unauthorized\""), missing.body());
            final HttpResponse<String> wrong = h.post("/write", body, "Authorization", "Bearer nope");
            assertEquals(403, wrong.statusCode());
            assertTrue(wrong.body().contains("\"code\":\"forbidden\""), wrong.body());
            assertEquals(204, h.post("/write", body, "Authorization", "Bearer k2").statusCode());
            assertEquals(204, h.post("/write", body, "X-API-Key", "k1").statusCode());
            assertEquals(2, h.queue.samples.get());
        }
    }

    @Test
    void shouldAnswer413WhenBodyExceedsMaxBodyBytesEvenGzipped() throws Exception {
        try (IngestionHarness h = new IngestionHarness(Map.of("ingestion.max_body_bytes", "4096"))) {
            final HttpResponse<String> plain = h.post("/write", influx(200, 0));
            assertEquals(413, plain.statusCode());
            final HttpResponse<String> bomb = h.post("/write", gzip(new byte[1 << 20]), "Content-Encoding", "gzip");
            assertEquals(413, bomb.statusCode());
            final HttpResponse<String> small = h.post("/write", gzip(influx(10, 0)), "Content-Encoding", "gzip");
            assertEquals(204, small.statusCode(), small.body());
            assertEquals(10, h.queue.samples.get());
        }
    }

    @Test
    void shouldAnswer429WithRetryAfterWhenClientExceedsItsRate() throws Exception {
        try (IngestionHarness h = new IngestionHarness(Map.of("ingestion.rate_limit_samples_per_s", "10",
            "ingestion.rate_limit_window_ms", "10000"))) {
            assertEquals(204, h.post("/write?client_id=a", influx(80, 0)).statusCode());
            final HttpResponse<String> limited = h.post("/write?client_id=a", influx(80, 0));
            assertEquals(429, limited.statusCode(), limited.body());
            assertTrue(limited.headers().firstValue("Retry-After").isPresent());
            assertTrue(limited.body().contains("\"code\":\"rate_limited\""), limited.body());
            assertEquals(204, h.post("/write", influx(80, 0), "X-Client-Id", "b").statusCode());
            assertEquals(160, h.queue.samples.get());
        }
    }

    @Test
    void shouldRateLimitByRemoteAddressWhenRequestHasNoApiKeyAndNoClientId() throws Exception {
        try (IngestionHarness h = new IngestionHarness(Map.of("ingestion.rate_limit_samples_per_s", "10",
            "ingestion.rate_limit_window_ms", "10000"))) {
            assertEquals(204, h.post("/write", influx(80, 0)).statusCode());
            final HttpResponse<String> limited = h.post("/write", influx(80, 0));
            assertEquals(429, limited.statusCode(), limited.body());
            assertTrue(limited.body().contains("client 127.0.0.1 exceeds"), limited.body());
            // another connection from the same host is the same client (the port is not part of it)
            try (HttpClient other = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                final HttpResponse<String> again = other.send(HttpRequest.newBuilder(URI.create(h.base + "/write"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(influx(80, 0))).build(),
                    HttpResponse.BodyHandlers.ofString());
                assertEquals(429, again.statusCode(), again.body());
            }
            // a client id is a client of its own, not the address's
            assertEquals(204, h.post("/write", influx(80, 0), "X-Client-Id", "b").statusCode());
            assertEquals(160, h.queue.samples.get());
        }
    }

    @Test
    void shouldPutEveryClientSampleInOnePartitionWhenClientIdGiven() throws Exception {
        try (IngestionHarness h = new IngestionHarness(Map.of())) {
            assertEquals(204, h.post("/write?client_id=tenant-7", influx(300, 0)).statusCode());
            final long distinct = h.queue.received.stream().mapToInt(FakeQueue.Received::partition).distinct().count();
            assertEquals(1, distinct);
        }
    }

    @Test
    void shouldAnswer503WhileQueueIsDownAndAcceptAgainAfterRestart() throws Exception {
        try (IngestionHarness h = new IngestionHarness(Map.of())) {
            assertEquals(204, h.post("/write", influx(10, 0)).statusCode());
            h.queue.stop();
            Awaits.await(Duration.ofSeconds(10), () -> h.post("/write", influx(10, 0)).statusCode() == 503,
                "503 while the queue is down");
            final HttpResponse<String> down = h.post("/write", influx(10, 0));
            assertEquals(503, down.statusCode());
            assertTrue(down.headers().firstValue("Retry-After").isPresent());
            h.queue.restart();
            Awaits.await(Duration.ofSeconds(15), () -> h.post("/write", influx(10, 0)).statusCode() == 204,
                "204 after the queue restarted");
        }
    }

    @Test
    void shouldAnswer503AndNotLeakWhenQueueRejectsProduce() throws Exception {
        try (IngestionHarness h = new IngestionHarness(Map.of())) {
            h.queue.failProduce = ErrorCode.INTERNAL;
            final HttpResponse<String> res = h.post("/write", influx(100, 0));
            assertEquals(503, res.statusCode(), res.body());
            assertTrue(res.body().contains("queue_unavailable"), res.body());
            h.queue.failProduce = ErrorCode.NONE;
            Awaits.await(Duration.ofSeconds(10), () -> h.post("/write", influx(1, 0)).statusCode() == 204,
                "204 after the queue recovered");
        }
    }

    @Test
    void shouldAnswer503WhenQueueHoldsAcksPastTimeout() throws Exception {
        try (IngestionHarness h = new IngestionHarness(Map.of("ingestion.queue_timeout_ms", "300"))) {
            h.queue.holdProduce = true;
            final HttpResponse<String> res = h.post("/write", influx(5, 0));
            assertEquals(503, res.statusCode(), res.body());
            h.queue.holdProduce = false;
        }
    }

    @Test
    void shouldAnswer200WithAcceptedCountWhenSeedJsonPosted() throws Exception {
        try (IngestionHarness h = new IngestionHarness(Map.of())) {
            final String body = "[{\"timestamp\":\"2025-09-17T13:45:23.123Z\",\"name\":\"cpu_usage\",\"value\":75.5,"
                + "\"labels\":{\"zone\":\"a\",\"Host\":\"h1\"},\"client_id\":\"c1\"},"
                + "{\"timestamp\":1700000000000,\"name\":\"cpu_usage\",\"value\":\"NaN\",\"client_id\":\"c1\"}]";
            final HttpResponse<String> res = h.post("/metrics", body.getBytes(StandardCharsets.UTF_8),
                "Content-Type", "application/json");
            assertEquals(200, res.statusCode(), res.body());
            assertEquals("{\"accepted\":2}", res.body());
            assertEquals(2, h.queue.samples.get());
            final FakeQueue.Received first = h.queue.received.get(0);
            assertEquals(LabelSet.of("__name__", "cpu_usage", "Host", "h1", "zone", "a"),
                SeriesKeyCodec.decode(Unpooled.wrappedBuffer(first.key()), 0, first.key().length));
            assertEquals(1_758_116_723_123L, first.timestampMs());
            assertEquals(h.queue.received.get(0).partition(), h.queue.received.get(1).partition());
            final String metrics = io.metricstream.testsupport.HttpProbe.get(h.base + "/metrics").body();
            assertTrue(metrics.contains("ingestion_samples_accepted_total 2"), metrics);
            assertTrue(metrics.contains("ingestion_request_samples_max 2"), metrics);
            assertTrue(metrics.contains("ingestion_batch_bytes_p50 "), metrics);
        }
    }

    @Test
    void shouldReject400NamingIndexAndFieldWhenJsonObjectIsBad() throws Exception {
        try (IngestionHarness h = new IngestionHarness(Map.of())) {
            final String body = "{\"name\":\"ok\",\"value\":1}\n"
                + "{\"name\":\"ok\",\"value\":1,\"labels\":{\"b-d\":\"x\"}}";
            final HttpResponse<String> res = h.post("/metrics", body.getBytes(StandardCharsets.UTF_8));
            assertEquals(400, res.statusCode(), res.body());
            assertTrue(res.body().contains("\"index\":1"), res.body());
            assertTrue(res.body().contains("\"line\":2"), res.body());
            assertTrue(res.body().contains("\"field\":\"labels.b-d\""), res.body());
            assertTrue(res.body().contains("\"reason\""), res.body());
            assertEquals(0, h.queue.samples.get());
        }
    }

    @Test
    void shouldAnswerPipelinedRequestsInOrderWhenSentOnOneConnection() throws Exception {
        try (IngestionHarness h = new IngestionHarness(Map.of())) {
            final java.net.URI uri = java.net.URI.create(h.base);
            final byte[][] bodies = {influx(400, 0), "bad line".getBytes(StandardCharsets.UTF_8), influx(3, 1)};
            final ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (final byte[] b : bodies) {
                all.writeBytes(("POST /write HTTP/1.1\r\nHost: x\r\nContent-Length: " + b.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
                all.writeBytes(b);
            }
            try (java.net.Socket s = new java.net.Socket(uri.getHost(), uri.getPort())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(all.toByteArray());
                s.getOutputStream().flush();
                final java.io.InputStream in = s.getInputStream();
                assertEquals(204, io.metricstream.ingestion.bench.IngestBench.readResponse(in));
                assertEquals(400, io.metricstream.ingestion.bench.IngestBench.readResponse(in));
                assertEquals(204, io.metricstream.ingestion.bench.IngestBench.readResponse(in));
            }
            assertEquals(403, h.queue.samples.get());
        }
    }
}
