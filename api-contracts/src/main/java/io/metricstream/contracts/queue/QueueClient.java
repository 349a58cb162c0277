package io.metricstream.contracts.queue;

import io.metricstream.contracts.client.ClientOptions;
import io.metricstream.contracts.client.PipelinedClient;
import io.metricstream.contracts.client.ServerAddress;
import io.metricstream.contracts.error.ContractException;
import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.frame.ApiKey;
import io.metricstream.contracts.frame.FrameDescriptor;
import io.metricstream.contracts.wire.WireReader;
import io.metricstream.contracts.wire.WireWriter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Client of the queue's binary protocol (one connection, pipelined). Every method returns a future that
 * fails with a {@link ContractException} carrying the server's {@link ErrorCode}, TIMEOUT or NETWORK.
 * Thread-safe.
 */
public final class QueueClient implements AutoCloseable {
    private record EncodedTopic(String topic, byte[] string16) {
    }

    private final PipelinedClient client;
    private final int requestTimeoutMs;
    // immutable, so a racy read sees a whole one; a lost update only costs one more encoding
    private volatile EncodedTopic lastTopic;

    /** Connects (lazily) to a queue at host:port with its own event loop. */
    public QueueClient(final String host, final int port, final ClientOptions options) {
        this(host, port, options, null);
    }

    /**
     * Connects (lazily) to a queue at {@code address}, {@code host:port} or {@code local:NAME} (see
     * {@link ServerAddress}), on a shared event loop group of that address's transport ({@code null} = its own).
     */
    public QueueClient(final String address, final ClientOptions options, final EventLoopGroup group) {
        this.client = new PipelinedClient(ServerAddress.parse(address), options, group);
        this.requestTimeoutMs = options.requestTimeoutMs();
    }

    /** Connects (lazily) to a queue at host:port on a shared event loop group. */
    public QueueClient(final String host, final int port, final ClientOptions options, final EventLoopGroup group) {
        this.client = new PipelinedClient(host, port, options, group);
        this.requestTimeoutMs = options.requestTimeoutMs();
    }

    /** The underlying pipelined client. */
    public PipelinedClient pipelinedClient() {
        return client;
    }

    /**
     * Appends the readable bytes of {@code batch} (one record batch); completes with its base offset. The client
     * holds its own reference to {@code batch} until its bytes are written to the connection (a large direct
     * batch is sent from the buffer itself, not copied), so the caller may release its reference as soon as this
     * returns, but must not change the bytes before the future completes.
     */
    public CompletableFuture<Long> produce(final String topic, final int partition, final ByteBuf batch) {
        final byte[] topicBytes = topicString16(topic);
        final int batchLength = batch.readableBytes();
        return client.request(ApiKey.PRODUCE,
            out -> ProduceRequest.encodeHeader(out, topicBytes, partition, requestTimeoutMs, batchLength),
            topicBytes.length + ProduceRequest.FIXED_HEADER_LENGTH, batch, requestTimeoutMs)
            .thenApply(frame -> decodeAnswer(ApiKey.PRODUCE, frame, r -> r.int64("baseOffset")));
    }

    /** The encoded topic, cached for the last topic produced to (a producer usually has one). */
    private byte[] topicString16(final String topic) {
        final EncodedTopic last = lastTopic;
        if (last != null && (last.topic() == topic || last.topic().equals(topic))) {
            return last.string16();
        }
        final EncodedTopic encoded = new EncodedTopic(topic, ProduceRequest.topicString16(topic));
        lastTopic = encoded;
        return encoded.string16();
    }

    /** Fetches batches; the answer owns a retained slice of records: close it when done. */
    public CompletableFuture<FetchResponse> fetch(final FetchRequest request) {
        final int timeout = requestTimeoutMs + request.maxWaitMs();
        return client.request(ApiKey.FETCH, request::encode, timeout).thenApply(frame -> {
            try {
                final WireReader r = body(frame);
                final long hw = r.int64("highWatermark");
                final long start = r.int64("logStartOffset");
                final int at = r.bytes32("records");
                if (!r.expectEnd("fetch answer")) {
                    throw new ContractException(ErrorCode.INVALID_REQUEST, "bad fetch answer: " + r.problem());
                }
                return new FetchResponse(hw, start, frame.retainedSlice(at, r.lastLength()));
            } finally {
                frame.release();
            }
        });
    }

    /** First offset with timestamp >= {@code timestampMs}, or {@link ListOffsetsRequest#LATEST}/EARLIEST. */
    public CompletableFuture<Long> listOffsets(final String topic, final int partition, final long timestampMs) {
        return call(ApiKey.LIST_OFFSETS, new ListOffsetsRequest(topic, partition, timestampMs)::encode,
            requestTimeoutMs, r -> {
                final long offset = r.int64("offset");
                r.int64("timestampMs");
                return offset;
            });
    }

    /** Durably commits a consumer group offset (the next offset to consume). */
    public CompletableFuture<Void> commitOffset(final OffsetCommitRequest request) {
        return call(ApiKey.OFFSET_COMMIT, request::encode, requestTimeoutMs, r -> null);
    }

    /** The committed offset of a group, or {@link OffsetFetchRequest#NONE}. */
    public CompletableFuture<Long> committedOffset(final String group, final String topic, final int partition) {
        return call(ApiKey.OFFSET_FETCH, new OffsetFetchRequest(group, topic, partition)::encode, requestTimeoutMs,
            r -> r.int64("offset"));
    }

    /** Topics and partition counts ({@code ""} = all topics). */
    public CompletableFuture<List<TopicMetadata>> metadata(final String topic) {
        return call(ApiKey.METADATA, out -> WireWriter.string16(out, topic), requestTimeoutMs,
            TopicMetadata::decodeList);
    }

    /** Creates a topic. */
    public CompletableFuture<Void> createTopic(final String topic, final int partitions) {
        return call(ApiKey.CREATE_TOPIC, new GroupRequests.CreateTopic(topic, partitions)::encode, requestTimeoutMs,
            r -> null);
    }

    /** Joins (or re-joins) a consumer group; answers the member id, generation and assignment. */
    public CompletableFuture<GroupAssignment> joinGroup(final GroupRequests.Join request) {
        return call(ApiKey.JOIN_GROUP, request::encode, requestTimeoutMs, GroupAssignment::decode);
    }

    /** Heartbeat; answers the current generation and assignment. */
    public CompletableFuture<GroupAssignment> heartbeat(final GroupRequests.Heartbeat request) {
        return call(ApiKey.HEARTBEAT, request::encode, requestTimeoutMs, GroupAssignment::decode);
    }

    /** Leaves a group. */
    public CompletableFuture<Void> leaveGroup(final GroupRequests.Leave request) {
        return call(ApiKey.LEAVE_GROUP, request::encode, requestTimeoutMs, r -> null);
    }

    private <T> CompletableFuture<T> call(final ApiKey key, final java.util.function.Consumer<ByteBuf> writer,
                                          final int timeoutMs, final Function<WireReader, T> decoder) {
        return client.request(key, writer, timeoutMs).thenApply(frame -> decodeAnswer(key, frame, decoder));
    }

    private <T> T decodeAnswer(final ApiKey key, final ByteBuf frame, final Function<WireReader, T> decoder) {
        try {
            final WireReader r = body(frame);
            final T value = decoder.apply(r);
            if (!r.ok() || r.remaining() != 0) {
                throw new ContractException(ErrorCode.INVALID_REQUEST, "bad " + key + " answer from "
                    + client.address() + ": " + (r.ok() ? "trailing bytes" : r.problem()));
            }
            return value;
        } finally {
            frame.release();
        }
    }

    static WireReader body(final ByteBuf frame) {
        final int at = frame.readerIndex() + FrameDescriptor.RESPONSE_HEADER_LENGTH;
        return new WireReader().wrap(frame, at, frame.writerIndex() - at);
    }

    /** Closes the connection. */
    @Override
    public void close() {
        client.close();
    }
}
