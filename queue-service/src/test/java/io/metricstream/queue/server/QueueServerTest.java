package io.metricstream.queue.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.client.ClientOptions;
import io.metricstream.contracts.client.PipelinedClient;
import io.metricstream.contracts.client.ReconnectPolicy;
import io.metricstream.contracts.error.ContractException;
import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.frame.ApiKey;
import io.metricstream.contracts.queue.FetchRequest;
import io.metricstream.contracts.queue.FetchResponse;
import io.metricstream.contracts.queue.GroupAssignment;
import io.metricstream.contracts.queue.GroupRequests;
import io.metricstream.contracts.queue.ListOffsetsRequest;
import io.metricstream.contracts.queue.OffsetCommitRequest;
import io.metricstream.contracts.queue.QueueClient;
import io.metricstream.contracts.queue.TopicMetadata;
import io.metricstream.contracts.record.RecordBatchView;
import io.metricstream.contracts.wire.DecodeStatus;
import io.metricstream.queue.TestBatches;
import io.metricstream.runtime.lifecycle.EmbeddedHost;
import io.metricstream.testsupport.Awaits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue's binary protocol end to end through {@link QueueClient}; {@link QueueServerInJvmTest} runs every case
 * again over the in-JVM transport ({@code local:queue}, the address {@code up} gives its own clients).
 */
@Tag("integration")
@Timeout(60)
class QueueServerTest {

    private static final String TOPIC = "metrics.inbound";

    @TempDir
    Path dataDir;

    private EmbeddedHost host;
    private QueueClient client;

    @BeforeEach
    void start() throws Exception {
        host = TestBatches.start(dataDir, Map.of("queue.default_partitions", "4", "queue.segment_bytes", "64KiB"));
        client = connect(host);
    }

    QueueClient connect(final EmbeddedHost embedded) {
        final int port = embedded.host("queue").binaryAddresses().getFirst().getPort();
        return new QueueClient("127.0.0.1", port, ClientOptions.DEFAULT);
    }

    /** The queue's address for a client with its own event loop (one that outlives the host). */
    String address(final EmbeddedHost embedded) {
        return "127.0.0.1:" + embedded.host("queue").binaryAddresses().getFirst().getPort();
    }

    @Test
    void shouldReconnectAndFetchEarlierRecordsWhenTheBrokerRestarts() throws Exception {
        final String address = address(host);
        final int port = host.host("queue").binaryAddresses().getFirst().getPort();
        final ClientOptions quickRetry = new ClientOptions(2_000, 10_000, ClientOptions.DEFAULT.maxFrameBytes(),
            new ReconnectPolicy(10, 100));
        try (QueueClient own = new QueueClient(address, quickRetry, null)) {
            assertEquals(0L, produce(own, TestBatches.batch(3, 100, 1_000)));
            host.close();
            assertEquals(ErrorCode.NETWORK, produceError(own, TestBatches.batch(1, 100, 2_000)), "no broker");
            host = TestBatches.start(dataDir, Map.of("queue.default_partitions", "4", "queue.segment_bytes", "64KiB",
                "queue.binary_port", String.valueOf(port)));
            Awaits.await(Duration.ofSeconds(20), () -> {
                try {
                    return produce(own, TestBatches.batch(2, 100, 3_000)) == 3L;
                } catch (final Exception retry) {
                    return false;
                }
            }, "client reconnects to the restarted broker");
            try (FetchResponse r = get(own.fetch(new FetchRequest(TOPIC, 2, 0, 0, 1, 1 << 20)))) {
                assertEquals(5, r.highWatermark(), "records from before and after the restart");
            }
        }
    }

    @Test
    void shouldAnswerThrottledWhenFreeDiskIsBelowTheMinimum() throws Exception {
        final String address = address(host);
        host.close();
        client.close();
        host = TestBatches.start(dataDir, Map.of("queue.min_free_disk_bytes", "1000000GiB",
            "queue.binary_port", address.startsWith("local:") ? "0" : address.substring(address.indexOf(':') + 1)));
        client = connect(host);
        assertEquals(ErrorCode.THROTTLED, produceError(client, TestBatches.batch(1, 100, 1_000)));
    }

    private static ErrorCode produceError(final QueueClient to, final ByteBuf batch) throws Exception {
        try {
            return errorOf(to.produce(TOPIC, 2, batch));
        } finally {
            batch.release();
        }
    }

    private static long produce(final QueueClient to, final ByteBuf batch) throws Exception {
        try {
            return get(to.produce(TOPIC, 2, batch));
        } finally {
            batch.release();
        }
    }

    @AfterEach
    void stop() {
        client.close();
        host.close();
    }

    private static <T> T get(final CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    private static ErrorCode errorOf(final CompletableFuture<?> f) throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS);
            return ErrorCode.NONE;
        } catch (ExecutionException e) {
            return ((ContractException) e.getCause()).code();
        }
    }

    private long produce(final int partition, final ByteBuf batch) throws Exception {
        try {
            return get(client.produce(TOPIC, partition, batch));
        } finally {
            batch.release();
        }
    }

    @Test
    void shouldFetchIdenticalBytesWhenPipelinedProducesAcked() throws Exception {
        final List<CompletableFuture<Long>> acks = new ArrayList<>();
        final List<ByteBuf> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            final ByteBuf heap = TestBatches.batch(5, 300, 1_000 + i);
            // odd batches are direct and over the client's zero-copy threshold: sent from their own buffer
            final ByteBuf b = i % 2 == 0 ? heap
                : PooledByteBufAllocator.DEFAULT.directBuffer(heap.readableBytes()).writeBytes(heap);
            if (b != heap) {
                heap.release();
            }
            assertTrue(b.readableBytes() >= PipelinedClient.ZERO_COPY_MIN_BYTES);
            sent.add(b);
            acks.add(client.produce(TOPIC, 1, b));
        }
        for (int i = 0; i < acks.size(); i++) {
            assertEquals(5L * i, get(acks.get(i)), "ack " + i + " in order");
        }
        long offset = 0;
        int batchIndex = 0;
        final RecordBatchView view = new RecordBatchView();
        while (offset < 1000) {
            try (FetchResponse r = get(client.fetch(new FetchRequest(TOPIC, 1, offset, 0, 1, 20_000)))) {
                assertEquals(1000, r.highWatermark());
                final ByteBuf records = r.records();
                int at = records.readerIndex();
                assertTrue(records.readableBytes() > 0);
                while (at < records.writerIndex()) {
                    view.wrap(records, at);
                    assertEquals(DecodeStatus.OK, view.check(records.writerIndex() - at, 1 << 20));
                    assertEquals(offset, view.baseOffset());
                    final ByteBuf expected = sent.get(batchIndex++);
                    expected.setLong(4, offset);
                    assertTrue(ByteBufUtil.equals(expected, 0, records, at, view.totalLength()), "batch bytes");
                    offset = view.nextOffset();
                    at += view.totalLength();
                }
            }
        }
        sent.forEach(ByteBuf::release);
        assertEquals(1000, get(client.listOffsets(TOPIC, 1, ListOffsetsRequest.LATEST)));
        assertEquals(0, get(client.listOffsets(TOPIC, 1, ListOffsetsRequest.EARLIEST)));
        assertEquals(484, get(client.listOffsets(TOPIC, 1, 1_100)), "batch 96 holds ts 1096..1100");
    }

    @Test
    void shouldWakeLongPollWhenProducedAndTimeOutWithoutData() throws Exception {
        final long start = System.nanoTime();
        try (FetchResponse empty = get(client.fetch(new FetchRequest(TOPIC, 0, 0, 300, 1, 1 << 20)))) {
            assertEquals(0, empty.records().readableBytes());
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(250), "waited maxWaitMs");
        }
        final CompletableFuture<FetchResponse> parked = client.fetch(new FetchRequest(TOPIC, 0, 0, 20_000, 1, 1 << 20));
        Awaits.await(Duration.ofSeconds(5), () -> host.host("queue").metrics() != null, "started");
        assertFalse(parked.isDone());
        final long woke = System.nanoTime();
        assertEquals(0, produce(0, TestBatches.batch(2, 10, 5)));
        try (FetchResponse r = get(parked)) {
            assertEquals(2, r.highWatermark());
            assertTrue(r.records().readableBytes() > 0);
            assertTrue(System.nanoTime() - woke < TimeUnit.SECONDS.toNanos(5), "woken, not timed out");
        }
    }

    @Test
    void shouldAnswerClearErrorsWhenRequestsAreBad() throws Exception {
        final ByteBuf b = TestBatches.batch(1, 10, 1);
        assertEquals(ErrorCode.UNKNOWN_TOPIC, errorOf(client.produce("nope", 0, b)));
        assertEquals(ErrorCode.UNKNOWN_PARTITION, errorOf(client.produce(TOPIC, 99, b)));
        b.setByte(b.writerIndex() - 1, 7);
        assertEquals(ErrorCode.CORRUPT_MESSAGE, errorOf(client.produce(TOPIC, 0, b)));
        b.release();
        assertEquals(ErrorCode.OFFSET_OUT_OF_RANGE, errorOf(client.fetch(new FetchRequest(TOPIC, 0, 5, 0, 1, 100))));
        assertEquals(ErrorCode.INVALID_TOPIC, errorOf(client.createTopic("../etc", 1)));
        assertEquals(ErrorCode.INVALID_TOPIC, errorOf(client.createTopic("..", 1)));
        assertEquals(ErrorCode.UNSUPPORTED_VERSION, errorOf(client.pipelinedClient().request(ApiKey.SELECT,
            out -> out.writeInt(0), 5000)));
        assertEquals(ErrorCode.INVALID_REQUEST, errorOf(client.pipelinedClient().request(ApiKey.FETCH,
            out -> out.writeShort(3), 5000)));
        assertEquals(ErrorCode.UNKNOWN_TOPIC, errorOf(client.metadata("nope")));
        assertEquals(ErrorCode.NONE, errorOf(client.createTopic("other.topic", 2)));
        assertEquals(ErrorCode.INVALID_TOPIC, errorOf(client.createTopic("other.topic", 2)));
        assertEquals(List.of(new TopicMetadata(TOPIC, 4), new TopicMetadata("other.topic", 2)),
            get(client.metadata("")));
        final int http = host.host("queue").httpAddresses().getFirst().getPort();
        final String metrics = io.metricstream.testsupport.HttpProbe.get("http://127.0.0.1:" + http + "/metrics")
            .body();
        assertTrue(metrics.contains("queue_requests_failed_total{api=\"produce\",error=\"unknown_topic\"} 1"),
            metrics);
    }

    @Test
    void shouldRebalanceGroupOfThreeWhenMembersJoinLeaveAndDie() throws Exception {
        final GroupAssignment a = get(client.joinGroup(new GroupRequests.Join("storage", "a", TOPIC, 3_000)));
        assertArrayEquals(new int[] {0, 1, 2, 3}, a.partitions());
        get(client.joinGroup(new GroupRequests.Join("storage", "b", TOPIC, 30_000)));
        final GroupAssignment c = get(client.joinGroup(new GroupRequests.Join("storage", "c", TOPIC, 30_000)));
        assertEquals(3, c.generation());
        assertArrayEquals(new int[] {3}, c.partitions());
        assertArrayEquals(new int[] {2}, get(client.heartbeat(new GroupRequests.Heartbeat("storage", "b", 3)))
            .partitions());
        assertEquals(ErrorCode.NONE, errorOf(client.commitOffset(
            new OffsetCommitRequest("storage", "c", 3, TOPIC, 3, 42))));
        assertEquals(42, get(client.committedOffset("storage", TOPIC, 3)));
        assertEquals(ErrorCode.ILLEGAL_GENERATION, errorOf(client.commitOffset(
            new OffsetCommitRequest("storage", "c", 2, TOPIC, 3, 43))));
        assertEquals(ErrorCode.ILLEGAL_GENERATION, errorOf(client.commitOffset(
            new OffsetCommitRequest("storage", "c", 3, TOPIC, 0, 43))));

        get(client.leaveGroup(new GroupRequests.Leave("storage", "b")));
        GroupAssignment afterLeave = get(client.heartbeat(new GroupRequests.Heartbeat("storage", "c", 3)));
        assertEquals(4, afterLeave.generation());
        assertArrayEquals(new int[] {2, 3}, afterLeave.partitions());

        Awaits.await(Duration.ofSeconds(10), () -> {
            try {
                return get(client.heartbeat(new GroupRequests.Heartbeat("storage", "c", 0))).generation() == 5;
            } catch (Exception e) {
                return false;
            }
        }, "a's session (3 s, long enough that a loaded machine reaches the leave before it) expires");
        afterLeave = get(client.heartbeat(new GroupRequests.Heartbeat("storage", "c", 5)));
        assertArrayEquals(new int[] {0, 1, 2, 3}, afterLeave.partitions());
        assertEquals(ErrorCode.UNKNOWN_MEMBER, errorOf(client.heartbeat(new GroupRequests.Heartbeat("storage", "a",
            3))));
        assertEquals(ErrorCode.NONE, errorOf(client.commitOffset(
            new OffsetCommitRequest("tool", "", -1, TOPIC, 0, 7))));
        assertEquals(Arrays.asList(7L), List.of(get(client.committedOffset("tool", TOPIC, 0))));
    }
}
