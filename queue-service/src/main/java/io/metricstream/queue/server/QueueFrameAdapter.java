package io.metricstream.queue.server;

import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.frame.ApiKey;
import io.metricstream.contracts.frame.FrameDescriptor;
import io.metricstream.contracts.queue.FetchRequest;
import io.metricstream.contracts.queue.FetchResponse;
import io.metricstream.contracts.queue.GroupRequests;
import io.metricstream.contracts.queue.ListOffsetsRequest;
import io.metricstream.contracts.queue.OffsetCommitRequest;
import io.metricstream.contracts.queue.OffsetFetchRequest;
import io.metricstream.contracts.queue.ProduceRequest;
import io.metricstream.contracts.queue.TopicMetadata;
import io.metricstream.contracts.wire.WireReader;
import io.metricstream.queue.flush.AppendAck;
import io.metricstream.queue.group.GroupCoordinator;
import io.metricstream.queue.log.FetchSlice;
import io.metricstream.queue.log.PartitionLog;
import io.metricstream.queue.topic.Partition;
import io.metricstream.queue.topic.TopicRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.local.LocalChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes queue request frames of one connection and dispatches them (Aeron's {@code ClientCommandAdapter}).
 * Produces go to the partition's writer thread and are answered when durable; fetches are answered at once or
 * parked in {@link FetchWaiters}, and send records zero-copy from the segment file after a small header.
 * Every rejection goes through {@link #onError}, which counts it by api and error. Not shareable: one
 * instance per channel, used on the channel's event loop (acks arrive from other threads and only enqueue).
 */
public final class QueueFrameAdapter extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(QueueFrameAdapter.class);
    private static final int FETCH_HEADER_BYTES = FrameDescriptor.RESPONSE_HEADER_LENGTH + FetchResponse.HEADER_LENGTH;

    private final BrokerContext broker;
    private final WireReader reader = new WireReader();
    private final long[] timeLookup = new long[2];
    // acked produces not yet answered, newest first (Treiber stack: pushed by flush/writer threads)
    private final AtomicReference<ProduceAck> acked = new AtomicReference<>();
    private final Runnable answerAcks = this::answerAcks;
    private final ChannelFutureListener onTransferred = f -> {
        if (!f.isSuccess()) {
            LOG.debug("fetch transfer failed: {}", String.valueOf(f.cause()));
            f.channel().close();
        }
    };
    private ChannelHandlerContext ctx;

    /** An adapter for one connection. */
    public QueueFrameAdapter(final BrokerContext broker) {
        this.broker = broker;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void channelRead(final ChannelHandlerContext context, final Object msg) {
        final ByteBuf frame = (ByteBuf) msg;
        try {
            dispatch(frame);
        } catch (IOException | RuntimeException e) {
            LOG.warn("request failed: {}", e.toString());
            final int at = frame.readerIndex();
            final int correlationId = frame.readableBytes() >= FrameDescriptor.REQUEST_HEADER_LENGTH
                ? FrameDescriptor.requestCorrelationId(frame, at) : 0;
            onError(correlationId, "unknown", ErrorCode.INTERNAL, e.toString());
        } finally {
            frame.release();
        }
    }

    private void dispatch(final ByteBuf frame) throws IOException {
        final int at = frame.readerIndex();
        if (frame.readableBytes() < FrameDescriptor.REQUEST_HEADER_LENGTH) {
            onError(0, "unknown", ErrorCode.INVALID_REQUEST, "frame shorter than a request header: "
                + frame.readableBytes() + " bytes");
            ctx.close();
            return;
        }
        final int correlationId = FrameDescriptor.requestCorrelationId(frame, at);
        final ApiKey api = ApiKey.fromId(FrameDescriptor.apiKey(frame, at));
        if (api == null || api.id() >= ApiKey.SELECT.id()) {
            onError(correlationId, "unknown", ErrorCode.UNSUPPORTED_VERSION, "unsupported api key "
                + FrameDescriptor.apiKey(frame, at) + " (this is a queue)");
            return;
        }
        if (FrameDescriptor.version(frame, at) != FrameDescriptor.VERSION) {
            onError(correlationId, api, ErrorCode.UNSUPPORTED_VERSION, "unsupported version "
                + FrameDescriptor.version(frame, at) + " of " + api + "; want " + FrameDescriptor.VERSION);
            return;
        }
        FrameDescriptor.wrapRequestBody(reader, frame, at);
        switch (api) {
            case PRODUCE -> produce(frame, correlationId);
            case FETCH -> fetch(correlationId);
            case LIST_OFFSETS -> listOffsets(correlationId);
            case OFFSET_COMMIT -> offsetCommit(correlationId);
            case OFFSET_FETCH -> offsetFetch(correlationId);
            case METADATA -> metadata(correlationId);
            case JOIN_GROUP -> joinGroup(correlationId);
            case HEARTBEAT -> heartbeat(correlationId);
            case LEAVE_GROUP -> leaveGroup(correlationId);
            case CREATE_TOPIC -> createTopic(correlationId);
            default -> onError(correlationId, api, ErrorCode.UNSUPPORTED_VERSION, "unsupported api " + api);
        }
    }

    private boolean malformed(final Object decoded, final int correlationId, final ApiKey api) {
        if (decoded == null) {
            onError(correlationId, api, ErrorCode.INVALID_REQUEST, reader.problem());
            return true;
        }
        return false;
    }

    private Partition partition(final int correlationId, final ApiKey api, final String topic, final int index) {
        final Partition[] ps = broker.topics().partitions(topic);
        if (ps == null) {
            onError(correlationId, api, ErrorCode.UNKNOWN_TOPIC, "unknown topic: " + topic);
            return null;
        }
        if (index < 0 || index >= ps.length) {
            onError(correlationId, api, ErrorCode.UNKNOWN_PARTITION, "unknown partition " + index + " of topic "
                + topic + "; want 0.." + (ps.length - 1));
            return null;
        }
        return ps[index];
    }

    private void produce(final ByteBuf frame, final int correlationId) {
        final ProduceRequest q = ProduceRequest.decode(reader);
        if (malformed(q, correlationId, ApiKey.PRODUCE)) {
            return;
        }
        final Partition p = partition(correlationId, ApiKey.PRODUCE, q.topic(), q.partition());
        if (p == null) {
            return;
        }
        final int length = q.batchLength();
        if (!broker.inFlight().tryAcquire(length)) {
            onError(correlationId, ApiKey.PRODUCE, ErrorCode.THROTTLED, "in-flight produce bytes at "
                + "queue.max_inflight_bytes=" + broker.inFlight().maxBytes() + "; retry later");
            return;
        }
        frame.retain();
        p.append(frame, q.batchAt(), length, new ProduceAck(correlationId, length, System.nanoTime()));
    }

    /**
     * Hands an acked produce to the event loop. One fsync acks every batch it covered, so acks arrive in bursts
     * from a flush thread: they are chained on {@link #acked} and the first of a burst schedules one
     * {@link #answerAcks} task, which writes them all with one flush (one task, one wake-up and one write
     * syscall per burst and connection instead of per produce).
     */
    private void ackLater(final ProduceAck ack) {
        ProduceAck head;
        do {
            head = acked.get();
            ack.next = head;
        } while (!acked.compareAndSet(head, ack));
        if (head == null) {
            try {
                ctx.executor().execute(answerAcks);
            } catch (RejectedExecutionException e) {
                LOG.debug("event loop stopped; produce answers dropped: {}", e.toString());
            }
        }
    }

    private void answerAcks() {
        ProduceAck ack = acked.getAndSet(null);
        ProduceAck ordered = null;
        while (ack != null) { // the chain is newest first: reverse it so answers leave in ack order
            final ProduceAck next = ack.next;
            ack.next = ordered;
            ordered = ack;
            ack = next;
        }
        for (ProduceAck a = ordered; a != null; a = a.next) {
            final ByteBuf out = ctx.alloc().ioBuffer(FrameDescriptor.RESPONSE_HEADER_LENGTH + 8);
            final int start = FrameDescriptor.beginResponse(out, a.correlationId, ErrorCode.NONE, false);
            out.writeLong(a.baseOffset);
            FrameDescriptor.finish(out, start);
            ctx.write(out, ctx.voidPromise());
        }
        ctx.flush();
    }

    /** Answers one produce; runs on the writer or a flush thread. */
    private final class ProduceAck implements AppendAck {
        private final int correlationId;
        private final int length;
        private final long startNs;
        // set before the ack is chained on `acked` (published by its CAS)
        private long baseOffset;
        private ProduceAck next;

        ProduceAck(int correlationId, int length, long startNs) {
            this.correlationId = correlationId;
            this.length = length;
            this.startNs = startNs;
        }

        @Override
        public void acked(final long offset) {
            broker.inFlight().release(length);
            broker.produceLatency().recordNanos(System.nanoTime() - startNs);
            this.baseOffset = offset;
            ackLater(this);
        }

        @Override
        public void failed(final ErrorCode code, final String message) {
            broker.inFlight().release(length);
            onError(correlationId, ApiKey.PRODUCE, code, message);
        }
    }

    private void fetch(final int correlationId) throws IOException {
        final FetchRequest q = FetchRequest.decode(reader);
        if (malformed(q, correlationId, ApiKey.FETCH)) {
            return;
        }
        final Partition p = partition(correlationId, ApiKey.FETCH, q.topic(), q.partition());
        if (p == null) {
            return;
        }
        final FetchWait wait = new FetchWait(correlationId, q, p);
        if (!wait.attempt(false) && !wait.done) {
            final int waitMs = Math.min(q.maxWaitMs(), broker.maxFetchWaitMs());
            wait.timer = ctx.executor().schedule(wait, waitMs, TimeUnit.MILLISECONDS);
            p.waiters().park(wait);
            wait.attempt(false);
        }
    }

    /** One fetch, answered at once or parked until data or its deadline. Event-loop confined except wake(). */
    private final class FetchWait implements FetchWaiters.Waiter, Runnable {
        private final int correlationId;
        private final FetchRequest request;
        private final Partition partition;
        private ScheduledFuture<?> timer;
        private boolean done;

        FetchWait(int correlationId, FetchRequest request, Partition partition) {
            this.correlationId = correlationId;
            this.request = request;
            this.partition = partition;
        }

        /** Answers when enough bytes are available (or {@code force}); returns whether it answered. */
        boolean attempt(final boolean force) {
            if (done) {
                return true;
            }
            final PartitionLog log = partition.log();
            final long offset = request.fetchOffset();
            if (offset < log.logStartOffset() || offset > log.highWatermark()) {
                done = true;
                cancel();
                onError(correlationId, ApiKey.FETCH, ErrorCode.OFFSET_OUT_OF_RANGE, "fetch offset " + offset
                    + " outside [logStartOffset=" + log.logStartOffset() + ", highWatermark="
                    + log.highWatermark() + "] of " + request.topic() + "-" + request.partition());
                return true;
            }
            final FetchSlice slice;
            try {
                slice = log.read(offset, Math.min(Math.max(request.maxBytes(), 1), broker.maxFetchBytes()));
            } catch (IOException e) {
                done = true;
                cancel();
                onError(correlationId, ApiKey.FETCH, ErrorCode.INTERNAL, "read failed: " + e.getMessage());
                return true;
            }
            final boolean enough = slice.length() > 0 && slice.length() >= request.minBytes();
            if (force || enough || request.maxWaitMs() == 0 || request.minBytes() == 0) {
                done = true;
                cancel();
                sendFetch(correlationId, slice);
                return true;
            }
            return false;
        }

        private void cancel() {
            if (timer != null) {
                timer.cancel(false);
            }
            partition.waiters().remove(this);
        }

        @Override
        public void wake() {
            ctx.executor().execute(() -> {
                if (!attempt(false)) {
                    partition.waiters().park(this);
                    attempt(false);
                }
            });
        }

        @Override
        public void run() {
            attempt(true);
        }
    }

    private void sendFetch(final int correlationId, final FetchSlice slice) {
        if (ctx.channel() instanceof LocalChannel) {
            sendFetchCopy(correlationId, slice);
            return;
        }
        final ByteBuf header = ctx.alloc().ioBuffer(FETCH_HEADER_BYTES);
        final int start = FrameDescriptor.beginResponse(header, correlationId, ErrorCode.NONE, false);
        FetchResponse.encodeHeader(header, slice.highWatermark(), slice.logStartOffset(), slice.length());
        header.setInt(start + FrameDescriptor.LENGTH_AT, header.writerIndex() - start - 4 + slice.length());
        if (slice.length() == 0) {
            ctx.writeAndFlush(header, ctx.voidPromise());
            return;
        }
        ctx.write(header, ctx.voidPromise());
        ctx.writeAndFlush(new NonClosingFileRegion(slice.segment().channel(), slice.position(), slice.length()))
            .addListener(onTransferred);
        broker.fetchBytes().add(slice.length());
    }

    /**
     * The in-JVM form of a fetch answer: the slice's bytes read into the frame. A local channel hands messages to
     * the other end as they are, whose frame decoder reads only ByteBufs, so a FileRegion cannot cross it; one
     * buffer holding the whole frame also lets that decoder pass it on without copying.
     */
    private void sendFetchCopy(final int correlationId, final FetchSlice slice) {
        final ByteBuf frame = ctx.alloc().ioBuffer(FETCH_HEADER_BYTES + slice.length());
        try {
            final int start = FrameDescriptor.beginResponse(frame, correlationId, ErrorCode.NONE, false);
            FetchResponse.encodeHeader(frame, slice.highWatermark(), slice.logStartOffset(), slice.length());
            if (slice.length() > 0) {
                slice.segment().read(frame, slice.position(), slice.length());
            }
            FrameDescriptor.finish(frame, start);
        } catch (IOException e) {
            frame.release();
            onError(correlationId, ApiKey.FETCH, ErrorCode.INTERNAL, "read failed: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            frame.release();
            throw e;
        }
        ctx.writeAndFlush(frame).addListener(onTransferred);
        broker.fetchBytes().add(slice.length());
    }

    private void listOffsets(final int correlationId) throws IOException {
        final ListOffsetsRequest q = ListOffsetsRequest.decode(reader);
        if (malformed(q, correlationId, ApiKey.LIST_OFFSETS)) {
            return;
        }
        final Partition p = partition(correlationId, ApiKey.LIST_OFFSETS, q.topic(), q.partition());
        if (p == null) {
            return;
        }
        if (q.timestampMs() == ListOffsetsRequest.LATEST) {
            timeLookup[0] = p.log().highWatermark();
            timeLookup[1] = -1;
        } else if (q.timestampMs() == ListOffsetsRequest.EARLIEST) {
            timeLookup[0] = p.log().logStartOffset();
            timeLookup[1] = -1;
        } else if (q.timestampMs() < 0) {
            onError(correlationId, ApiKey.LIST_OFFSETS, ErrorCode.INVALID_REQUEST, "timestampMs: got "
                + q.timestampMs() + "; want >= 0, -1 (latest) or -2 (earliest)");
            return;
        } else {
            p.log().offsetForTimestamp(q.timestampMs(), timeLookup);
        }
        final ByteBuf out = ctx.alloc().ioBuffer(FrameDescriptor.RESPONSE_HEADER_LENGTH + 16);
        final int start = FrameDescriptor.beginResponse(out, correlationId, ErrorCode.NONE, false);
        out.writeLong(timeLookup[0]);
        out.writeLong(timeLookup[1]);
        FrameDescriptor.finish(out, start);
        ctx.writeAndFlush(out, ctx.voidPromise());
    }

    private void offsetCommit(final int correlationId) {
        final OffsetCommitRequest q = OffsetCommitRequest.decode(reader);
        if (malformed(q, correlationId, ApiKey.OFFSET_COMMIT)) {
            return;
        }
        if (q.group().isEmpty() || q.offset() < 0) {
            onError(correlationId, ApiKey.OFFSET_COMMIT, ErrorCode.INVALID_REQUEST,
                "group must not be empty and offset must be >= 0: got group=\"" + q.group() + "\" offset="
                    + q.offset());
            return;
        }
        if (partition(correlationId, ApiKey.OFFSET_COMMIT, q.topic(), q.partition()) == null) {
            return;
        }
        final ErrorCode check = broker.groups().checkCommit(q.group(), q.memberId(), q.generation(), q.topic(),
            q.partition());
        if (check != ErrorCode.NONE) {
            onError(correlationId, ApiKey.OFFSET_COMMIT, check, "commit refused for member " + q.memberId()
                + " generation " + q.generation() + " (group " + q.group() + " is at generation "
                + broker.groups().generation(q.group()) + ") partition " + q.partition());
            return;
        }
        broker.offsets().commit(q.group(), q.topic(), q.partition(), q.offset(), failure -> {
            if (failure == null) {
                sendEmpty(correlationId);
            } else {
                onError(correlationId, ApiKey.OFFSET_COMMIT, ErrorCode.INTERNAL, "commit failed: "
                    + failure.getMessage());
            }
        });
    }

    private void offsetFetch(final int correlationId) {
        final OffsetFetchRequest q = OffsetFetchRequest.decode(reader);
        if (malformed(q, correlationId, ApiKey.OFFSET_FETCH)) {
            return;
        }
        if (partition(correlationId, ApiKey.OFFSET_FETCH, q.topic(), q.partition()) == null) {
            return;
        }
        final ByteBuf out = ctx.alloc().ioBuffer(FrameDescriptor.RESPONSE_HEADER_LENGTH + 8);
        final int start = FrameDescriptor.beginResponse(out, correlationId, ErrorCode.NONE, false);
        out.writeLong(broker.offsets().committed(q.group(), q.topic(), q.partition()));
        FrameDescriptor.finish(out, start);
        ctx.writeAndFlush(out, ctx.voidPromise());
    }

    private void metadata(final int correlationId) {
        final String topic = reader.string16("topic");
        if (!reader.expectEnd("metadata")) {
            onError(correlationId, ApiKey.METADATA, ErrorCode.INVALID_REQUEST, reader.problem());
            return;
        }
        final TopicRegistry topics = broker.topics();
        final List<TopicMetadata> list;
        if (topic.isEmpty()) {
            list = topics.list();
        } else {
            final Partition[] ps = topics.partitions(topic);
            if (ps == null) {
                onError(correlationId, ApiKey.METADATA, ErrorCode.UNKNOWN_TOPIC, "unknown topic: " + topic);
                return;
            }
            list = List.of(new TopicMetadata(topic, ps.length));
        }
        final ByteBuf out = ctx.alloc().ioBuffer();
        final int start = FrameDescriptor.beginResponse(out, correlationId, ErrorCode.NONE, false);
        TopicMetadata.encodeList(out, list);
        FrameDescriptor.finish(out, start);
        ctx.writeAndFlush(out, ctx.voidPromise());
    }

    private void joinGroup(final int correlationId) {
        final GroupRequests.Join q = GroupRequests.Join.decode(reader);
        if (malformed(q, correlationId, ApiKey.JOIN_GROUP)) {
            return;
        }
        sendAssignment(correlationId, ApiKey.JOIN_GROUP,
            broker.groups().join(q.group(), q.memberId(), q.topic(), q.sessionTimeoutMs()));
    }

    private void heartbeat(final int correlationId) {
        final GroupRequests.Heartbeat q = GroupRequests.Heartbeat.decode(reader);
        if (malformed(q, correlationId, ApiKey.HEARTBEAT)) {
            return;
        }
        sendAssignment(correlationId, ApiKey.HEARTBEAT,
            broker.groups().heartbeat(q.group(), q.memberId(), q.generation()));
    }

    private void sendAssignment(final int correlationId, final ApiKey api, final GroupCoordinator.Answer a) {
        if (a.code() != ErrorCode.NONE) {
            onError(correlationId, api, a.code(), a.message());
            return;
        }
        final ByteBuf out = ctx.alloc().ioBuffer();
        final int start = FrameDescriptor.beginResponse(out, correlationId, ErrorCode.NONE, false);
        a.assignment().encode(out);
        FrameDescriptor.finish(out, start);
        ctx.writeAndFlush(out, ctx.voidPromise());
    }

    private void leaveGroup(final int correlationId) {
        final GroupRequests.Leave q = GroupRequests.Leave.decode(reader);
        if (malformed(q, correlationId, ApiKey.LEAVE_GROUP)) {
            return;
        }
        final ErrorCode code = broker.groups().leave(q.group(), q.memberId());
        if (code != ErrorCode.NONE) {
            onError(correlationId, ApiKey.LEAVE_GROUP, code, "unknown member " + q.memberId() + " of group "
                + q.group());
            return;
        }
        sendEmpty(correlationId);
    }

    private void createTopic(final int correlationId) {
        final GroupRequests.CreateTopic q = GroupRequests.CreateTopic.decode(reader);
        if (malformed(q, correlationId, ApiKey.CREATE_TOPIC)) {
            return;
        }
        broker.blocking().execute(() -> {
            try {
                final TopicRegistry.Outcome o = broker.topics().create(q.topic(), q.partitions());
                if (o.code() == ErrorCode.NONE) {
                    sendEmpty(correlationId);
                } else {
                    onError(correlationId, ApiKey.CREATE_TOPIC, o.code(), o.message());
                }
            } catch (IOException | RuntimeException e) {
                onError(correlationId, ApiKey.CREATE_TOPIC, ErrorCode.INTERNAL, "cannot create topic "
                    + q.topic() + ": " + e);
            }
        });
    }

    private void sendEmpty(final int correlationId) {
        final ByteBuf out = ctx.alloc().ioBuffer(FrameDescriptor.RESPONSE_HEADER_LENGTH);
        final int start = FrameDescriptor.beginResponse(out, correlationId, ErrorCode.NONE, false);
        FrameDescriptor.finish(out, start);
        ctx.writeAndFlush(out, ctx.voidPromise());
    }

    private void onError(final int correlationId, final ApiKey api, final ErrorCode code, final String message) {
        onError(correlationId, api.name().toLowerCase(java.util.Locale.ROOT), code, message);
    }

    /** The one error path: counts {@code queue_requests_failed_total{api,error}} and answers an error frame. */
    private void onError(final int correlationId, final String api, final ErrorCode code, final String message) {
        broker.failed().labels(api, code.wireName()).increment();
        final ByteBuf out = ctx.alloc().ioBuffer();
        FrameDescriptor.writeError(out, correlationId, code, message == null ? code.wireName() : message);
        ctx.writeAndFlush(out, ctx.voidPromise());
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext context, final Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            onError(0, "unknown", ErrorCode.MESSAGE_TOO_LARGE, "frame too large: " + cause.getMessage());
        } else {
            LOG.debug("queue connection {} failed: {}", context.channel().remoteAddress(), cause.toString());
        }
        context.close();
    }
}
