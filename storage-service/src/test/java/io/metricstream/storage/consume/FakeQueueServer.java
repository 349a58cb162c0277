package io.metricstream.storage.consume;

import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.frame.ApiKey;
import io.metricstream.contracts.frame.FrameDescriptor;
import io.metricstream.contracts.queue.FetchRequest;
import io.metricstream.contracts.queue.FetchResponse;
import io.metricstream.contracts.queue.GroupAssignment;
import io.metricstream.contracts.queue.GroupRequests;
import io.metricstream.contracts.queue.ListOffsetsRequest;
import io.metricstream.contracts.queue.OffsetCommitRequest;
import io.metricstream.contracts.queue.OffsetFetchRequest;
import io.metricstream.contracts.record.RecordBatchDescriptor;
import io.metricstream.contracts.record.RecordBatchWriter;
import io.metricstream.contracts.wire.WireReader;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A small in-test queue speaking the binary protocol of api-contracts (FETCH with long-poll, group membership with
 * range assignment, offset commit/fetch, list offsets) over an in-memory log, for storage consumer tests while the
 * real queue-service is written. Records are appended by the test with {@link #append}. Thread-safe.
 */
public final class FakeQueueServer implements AutoCloseable {
    /** One record of a sample batch: key and value bytes. */
    public record Rec(byte[] key, byte[] value) {
    }

    private final int partitions;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    // guarded by this
    private final List<List<byte[]>> batches = new ArrayList<>();
    private final List<List<Long>> baseOffsets = new ArrayList<>();
    private final long[] highWatermarks;
    private final Map<String, Long> members = new TreeMap<>();
    private int generation;
    private int nextMember;
    private final Map<Integer, Long> committed = new ConcurrentHashMap<>();
    // OFFSET_COMMIT answers are sent this long after the request (the real queue commits on another thread than
    // the one answering LEAVE_GROUP)
    private volatile long commitAnswerDelayMs;
    private final java.util.concurrent.atomic.AtomicInteger commitAnswersDelivered =
        new java.util.concurrent.atomic.AtomicInteger();

    /** Starts on an ephemeral loopback port with {@code partitions} partitions. */
    public FakeQueueServer(final int partitions) throws InterruptedException {
        this.partitions = partitions;
        this.highWatermarks = new long[partitions];
        for (int p = 0; p < partitions; p++) {
            batches.add(new ArrayList<>());
            baseOffsets.add(new ArrayList<>());
        }
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(final SocketChannel ch) {
                    ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(16 << 20, 0, 4, 0, 0))
                        .addLast(new Handler());
                }
            }).bind("127.0.0.1", 0).sync().channel();
    }

    /** The bound port. */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Appends one batch of records to {@code partition}; returns its base offset. */
    public synchronized long append(final int partition, final List<Rec> records) {
        final ByteBuf buf = Unpooled.buffer();
        try {
            final RecordBatchWriter w = new RecordBatchWriter().begin(buf);
            for (final Rec r : records) {
                final ByteBuf k = Unpooled.wrappedBuffer(r.key());
                final ByteBuf v = Unpooled.wrappedBuffer(r.value());
                w.appendRecord(0, k, 0, r.key().length, v, 0, r.value().length);
            }
            w.finish();
            final long base = highWatermarks[partition];
            RecordBatchDescriptor.setBaseOffset(buf, 0, base);
            final byte[] bytes = new byte[buf.readableBytes()];
            buf.getBytes(0, bytes);
            batches.get(partition).add(bytes);
            baseOffsets.get(partition).add(base);
            highWatermarks[partition] += records.size();
            return base;
        } finally {
            buf.release();
        }
    }

    /** The high watermark of {@code partition}. */
    public synchronized long highWatermark(final int partition) {
        return highWatermarks[partition];
    }

    /** Delays every later OFFSET_COMMIT answer by {@code ms}. */
    public void delayCommitAnswers(final long ms) {
        commitAnswerDelayMs = ms;
    }

    /** OFFSET_COMMIT answers written to a still open connection. */
    public int commitAnswersDelivered() {
        return commitAnswersDelivered.get();
    }

    /** The committed offset of group "storage" for {@code partition}, or -1. */
    public long committed(final int partition) {
        return committed.getOrDefault(partition, -1L);
    }

    /** Removes members whose last join or heartbeat is older than 3 s (the tests' session timeout). */
    private synchronized void expireSessions() {
        final long now = System.nanoTime();
        if (members.values().removeIf(seen -> now - seen > TimeUnit.SECONDS.toNanos(3))) {
            generation++;
        }
    }

    private synchronized int[] assignment(final String memberId) {
        final List<String> ids = new ArrayList<>(members.keySet());
        final int index = ids.indexOf(memberId);
        final int n = ids.size();
        final List<Integer> mine = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            if (p * n / partitions == index) {
                mine.add(p);
            }
        }
        return mine.stream().mapToInt(Integer::intValue).toArray();
    }

    private synchronized ByteBuf fetchBytes(final FetchRequest q) {
        final ByteBuf out = Unpooled.buffer();
        final List<byte[]> list = batches.get(q.partition());
        final List<Long> bases = baseOffsets.get(q.partition());
        for (int i = 0; i < list.size(); i++) {
            final long last = bases.get(i) + Unpooled.wrappedBuffer(list.get(i)).getInt(
                RecordBatchDescriptor.RECORD_COUNT_AT) - 1;
            if (last >= q.fetchOffset() && (out.readableBytes() == 0 || out.readableBytes() < q.maxBytes())) {
                out.writeBytes(list.get(i));
            }
        }
        return out;
    }

    private final class Handler extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final ByteBuf frame) {
            final int at = frame.readerIndex();
            final int corr = FrameDescriptor.requestCorrelationId(frame, at);
            final ApiKey key = ApiKey.fromId(FrameDescriptor.apiKey(frame, at));
            final WireReader r = new WireReader().wrap(frame, at + FrameDescriptor.REQUEST_HEADER_LENGTH,
                frame.readableBytes() - FrameDescriptor.REQUEST_HEADER_LENGTH);
            final ByteBuf out = ctx.alloc().buffer();
            final int start = FrameDescriptor.beginResponse(out, corr, ErrorCode.NONE, false);
            switch (key) {
                case JOIN_GROUP -> {
                    final GroupRequests.Join j = GroupRequests.Join.decode(r);
                    final String id;
                    expireSessions();
                    synchronized (FakeQueueServer.this) {
                        id = j.memberId().isEmpty() || !members.containsKey(j.memberId())
                            ? "member-" + nextMember++ : j.memberId();
                        if (members.put(id, System.nanoTime()) == null) {
                            generation++;
                        }
                    }
                    new GroupAssignment(id, generation, assignment(id)).encode(out);
                }
                case HEARTBEAT -> {
                    final GroupRequests.Heartbeat h = GroupRequests.Heartbeat.decode(r);
                    expireSessions();
                    if (members.replace(h.memberId(), System.nanoTime()) == null) {
                        out.release();
                        error(ctx, corr, ErrorCode.UNKNOWN_MEMBER);
                        return;
                    }
                    new GroupAssignment(h.memberId(), generation, assignment(h.memberId())).encode(out);
                }
                case LEAVE_GROUP -> {
                    synchronized (FakeQueueServer.this) {
                        if (members.remove(GroupRequests.Leave.decode(r).memberId()) != null) {
                            generation++;
                        }
                    }
                }
                case OFFSET_FETCH -> out.writeLong(committed.getOrDefault(OffsetFetchRequest.decode(r).partition(),
                    OffsetFetchRequest.NONE));
                case OFFSET_COMMIT -> {
                    final OffsetCommitRequest c = OffsetCommitRequest.decode(r);
                    committed.put(c.partition(), c.offset());
                    FrameDescriptor.finish(out, start);
                    ctx.executor().schedule(() -> ctx.writeAndFlush(out).addListener(f -> {
                        if (f.isSuccess()) {
                            commitAnswersDelivered.incrementAndGet();
                        }
                    }), commitAnswerDelayMs, TimeUnit.MILLISECONDS);
                    return;
                }
                case LIST_OFFSETS -> {
                    final ListOffsetsRequest l = ListOffsetsRequest.decode(r);
                    out.writeLong(l.timestampMs() == ListOffsetsRequest.EARLIEST ? 0 : highWatermark(l.partition()));
                    out.writeLong(-1);
                }
                case FETCH -> {
                    out.release();
                    final FetchRequest q = FetchRequest.decode(r);
                    fetch(ctx, corr, q, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(q.maxWaitMs()));
                    return;
                }
                default -> {
                    out.release();
                    error(ctx, corr, ErrorCode.UNSUPPORTED_VERSION);
                    return;
                }
            }
            FrameDescriptor.finish(out, start);
            ctx.writeAndFlush(out);
        }

        private void fetch(final ChannelHandlerContext ctx, final int corr, final FetchRequest q,
                           final long deadline) {
            if (q.fetchOffset() > highWatermark(q.partition()) || q.fetchOffset() < 0) {
                error(ctx, corr, ErrorCode.OFFSET_OUT_OF_RANGE);
                return;
            }
            final ByteBuf records = fetchBytes(q);
            if (records.readableBytes() == 0 && System.nanoTime() - deadline < 0) {
                records.release();
                ctx.executor().schedule(() -> fetch(ctx, corr, q, deadline), 5, TimeUnit.MILLISECONDS);
                return;
            }
            final ByteBuf out = ctx.alloc().buffer();
            final int start = FrameDescriptor.beginResponse(out, corr, ErrorCode.NONE, false);
            FetchResponse.encodeHeader(out, highWatermark(q.partition()), 0, records.readableBytes());
            out.writeBytes(records);
            records.release();
            FrameDescriptor.finish(out, start);
            ctx.writeAndFlush(out);
        }

        private void error(final ChannelHandlerContext ctx, final int corr, final ErrorCode code) {
            final ByteBuf out = ctx.alloc().buffer();
            FrameDescriptor.writeError(out, corr, code, code.wireName());
            ctx.writeAndFlush(out);
        }
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
