package io.metricstream.queue.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.queue.TestBatches;
import io.metricstream.runtime.lifecycle.EmbeddedHost;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
@Timeout(60)
class QueueHttpRoutesTest {
    @TempDir
    Path dataDir;

    private EmbeddedHost host;
    private String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        host = TestBatches.start(dataDir, Map.of("queue.topics", "metrics.inbound:2"));
        base = "http://127.0.0.1:" + host.host("queue").httpAddresses().getFirst().getPort();
    }

    @AfterEach
    void stop() {
        host.close();
    }

    private HttpResponse<String> send(final String method, final String path, final String contentType,
                                      final byte[] body) throws Exception {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String b64(final String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldConsumeProducedRecordsAsJsonWhenProducedOneByOneAndAsBatch() throws Exception {
        HttpResponse<String> r = send("POST", "/produce?topic=metrics.inbound&partition=1&key=k1", "text/plain",
            "hello".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("{\"offset\":0}", r.body());
        final ByteBuf batch = TestBatches.batch(3, 8, 1234);
        r = send("POST", "/produce?topic=metrics.inbound&partition=1", QueueHttpRoutes.RECORD_BATCH_TYPE,
            ByteBufUtil.getBytes(batch));
        batch.release();
        assertEquals("{\"base_offset\":1,\"record_count\":3}", r.body());

        r = send("GET", "/consume?topic=metrics.inbound&partition=1&offset=0", null, null);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().startsWith("{\"records\":[{\"offset\":0,\"timestamp\":"), r.body());
        assertTrue(r.body().contains("\"key\":\"" + b64("k1") + "\",\"value\":\"" + b64("hello") + "\""), r.body());
        assertTrue(r.body().contains("{\"offset\":3,\"timestamp\":1236,\"key\":\"" + b64("k2") + "\""), r.body());
        assertTrue(r.body().endsWith("\"next_offset\":4,\"high_watermark\":4,\"log_start_offset\":0}"), r.body());

        r = send("GET", "/consume?topic=metrics.inbound&partition=1&offset=2", null, null);
        assertTrue(r.body().startsWith("{\"records\":[{\"offset\":2,"), "skips records below offset: " + r.body());
    }

    @Test
    void shouldWakeHttpLongPollWhenRecordProduced() throws Exception {
        final CompletableFuture<HttpResponse<String>> parked = http.sendAsync(HttpRequest.newBuilder(URI.create(
            base + "/consume?topic=metrics.inbound&partition=0&offset=0&max_wait_ms=20000")).build(),
            HttpResponse.BodyHandlers.ofString());
        send("POST", "/produce?topic=metrics.inbound&partition=0", "text/plain", new byte[] {1, 2, 3});
        final HttpResponse<String> r = parked.get(10, TimeUnit.SECONDS);
        assertTrue(r.body().contains("\"value\":\"AQID\""), r.body());
        final HttpResponse<String> empty = send("GET",
            "/consume?topic=metrics.inbound&partition=0&offset=1&max_wait_ms=100", null, null);
        assertTrue(empty.body().startsWith("{\"records\":[],\"next_offset\":1,"), empty.body());
    }

    @Test
    void shouldCommitAndReadOffsetsWhenGroupCommitsOverHttp() throws Exception {
        assertEquals("{\"offset\":-1}",
            send("GET", "/committed?group=g&topic=metrics.inbound&partition=1", null, null).body());
        assertEquals("{}", send("POST", "/commit?group=g&topic=metrics.inbound&partition=1&offset=17", null, null)
            .body());
        assertEquals("{\"offset\":17}",
            send("GET", "/committed?group=g&topic=metrics.inbound&partition=1", null, null).body());
    }

    @Test
    void shouldCreateListAndDescribeTopicsWhenAdminCalls() throws Exception {
        HttpResponse<String> r = send("POST", "/topics", "application/json",
            "{\"name\":\"alerts.out\",\"partitions\":3}".getBytes(StandardCharsets.UTF_8));
        assertEquals(201, r.statusCode(), r.body());
        assertEquals("{\"topics\":[{\"name\":\"alerts.out\",\"partitions\":3},"
            + "{\"name\":\"metrics.inbound\",\"partitions\":2}]}", send("GET", "/topics", null, null).body());
        r = send("GET", "/topics/alerts.out", null, null);
        assertTrue(r.body().startsWith("{\"name\":\"alerts.out\",\"partitions\":3,\"partition_details\":[{"),
            r.body());
        assertEquals(404, send("GET", "/topics/nope", null, null).statusCode());
        r = send("POST", "/topics", "application/json", "{\"name\":\"..\",\"partitions\":3}".getBytes(
            StandardCharsets.UTF_8));
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("\"code\":\"invalid_topic\"") && r.body().contains("\"field\":\"name\""),
            r.body());
        assertEquals(400, send("POST", "/topics", "application/json", "{\"name\":".getBytes(StandardCharsets.UTF_8))
            .statusCode());
    }

    @Test
    void shouldAnswer4xxNamingFieldWhenParametersBad() throws Exception {
        f("GET", "/consume?topic=metrics.inbound&partition=0", 400, "offset");
        f("GET", "/consume?topic=metrics.inbound&partition=x&offset=0", 400, "partition");
        f("GET", "/consume?topic=nope&partition=0&offset=0", 404, "topic");
        f("GET", "/consume?topic=metrics.inbound&partition=9&offset=0", 404, "partition");
        f("GET", "/consume?topic=metrics.inbound&partition=0&offset=5", 416, "offset");
        f("GET", "/consume?topic=metrics.inbound&partition=0&offset=0&max_wait_ms=-1", 400, "max_wait_ms");
        f("POST", "/commit?topic=metrics.inbound&partition=0&offset=1", 400, "group");
        final HttpResponse<String> r = send("POST", "/produce?topic=metrics.inbound&partition=0",
            QueueHttpRoutes.RECORD_BATCH_TYPE, new byte[] {0, 0, 0, 50, 1, 2, 3});
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("corrupt_message"), r.body());
    }

    private void f(final String method, final String path, final int status, final String field) throws Exception {
        final HttpResponse<String> r = send(method, path, null, null);
        assertEquals(status, r.statusCode(), path + " -> " + r.body());
        assertTrue(r.body().contains("\"field\":\"" + field + "\""), path + " -> " + r.body());
    }
}
