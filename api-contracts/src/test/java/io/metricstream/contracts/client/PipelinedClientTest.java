package io.metricstream.contracts.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.error.ContractException;
import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.frame.ApiKey;
import io.metricstream.contracts.frame.FrameDescriptor;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.queue.ProduceRequest;
import io.metricstream.contracts.queue.QueueClient;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.contracts.storage.SelectRequest;
import io.metricstream.contracts.storage.SeriesSamples;
import io.metricstream.contracts.storage.StorageClient;
import io.metricstream.contracts.wire.WireReader;
import io.metricstream.testsupport.Awaits;
import io.metricstream.testsupport.Seeds;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pipelined client against a scripted server on loopback: answers out of order, errors, streamed answers,
 * timeouts, and reconnection after the server comes back. {@link PipelinedClientLocalTest} runs every case again
 * over the in-JVM transport ({@code local:NAME} addresses).
 */
@Tag("integration")
@Timeout(60)
class PipelinedClientTest {
    private static final AtomicInteger LOCAL_NAMES = new AtomicInteger();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
        local() ? LocalIoHandler.newFactory() : NioIoHandler.newFactory());
    private final String localName = "pipelined-client-test-" + LOCAL_NAMES.incrementAndGet();
    private Channel server;

    boolean local() {
        return false;
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    /**
     * Answers PRODUCE in pairs, the second request first; "now" → at once; "bad" → error; "silent" → no answer;
     * SELECT streams.
     */
    private static final class ScriptedServer extends SimpleChannelInboundHandler<ByteBuf> {
        private final List<int[]> held = new ArrayList<>();

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final ByteBuf frame) {
            final int id = FrameDescriptor.requestCorrelationId(frame, 0);
            final ApiKey key = ApiKey.fromId(FrameDescriptor.apiKey(frame, 0));
            final WireReader r = new WireReader().wrap(frame, FrameDescriptor.REQUEST_HEADER_LENGTH,
                frame.readableBytes() - FrameDescriptor.REQUEST_HEADER_LENGTH);
            if (key == ApiKey.SELECT) {
                for (int i = 0; i < 3; i++) {
                    final ByteBuf out = ctx.alloc().buffer();
                    final int start = FrameDescriptor.beginResponse(out, id, ErrorCode.NONE, i < 2);
                    SeriesSamples.encodeList(out, List.of(new SeriesSamples(LabelSet.of("__name__", "m"),
                        new long[] {i}, new double[] {i * 1.5})));
                    FrameDescriptor.finish(out, start);
                    ctx.writeAndFlush(out);
                }
                return;
            }
            final ProduceRequest p = ProduceRequest.decode(r);
            if (p.topic().equals("digest")) {
                final ByteBuf out = ctx.alloc().buffer();
                final int start = FrameDescriptor.beginResponse(out, id, ErrorCode.NONE, false);
                out.writeLong(digest(frame, p.batchAt(), p.batchLength()));
                FrameDescriptor.finish(out, start);
                ctx.writeAndFlush(out);
                return;
            }
            if (p.topic().equals("silent")) {
                return;
            }
            if (p.topic().equals("bad")) {
                final ByteBuf out = ctx.alloc().buffer();
                FrameDescriptor.writeError(out, id, ErrorCode.UNKNOWN_TOPIC, "unknown topic: bad");
                ctx.writeAndFlush(out);
                return;
            }
            if (p.topic().equals("now")) {
                final ByteBuf out = ctx.alloc().buffer();
                final int start = FrameDescriptor.beginResponse(out, id, ErrorCode.NONE, false);
                out.writeLong(p.partition() * 100L);
                FrameDescriptor.finish(out, start);
                ctx.writeAndFlush(out);
                return;
            }
            held.add(new int[] {id, p.partition()});
            if (held.size() == 2) {
                for (int i = 1; i >= 0; i--) {
                    final ByteBuf out = ctx.alloc().buffer();
                    final int start = FrameDescriptor.beginResponse(out, held.get(i)[0], ErrorCode.NONE, false);
                    out.writeLong(held.get(i)[1] * 100L);
                    FrameDescriptor.finish(out, start);
                    ctx.writeAndFlush(out);
                }
                held.clear();
            }
        }
    }

    /** Starts the server at {@code address} (null = a new one) and returns its address for clients. */
    String start(final String address) {
        final ServerBootstrap b = new ServerBootstrap().group(group)
            .channel(local() ? LocalServerChannel.class : NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(final Channel ch) {
                    accepted.incrementAndGet();
                    ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
                            if (local() && msg instanceof ByteBuf b && !wholeFrames(b)) {
                                partial.incrementAndGet();
                            }
                            ctx.fireChannelRead(msg);
                        }
                    }, new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 0), new ScriptedServer());
                }
            });
        if (local()) {
            server = b.bind(new LocalAddress(localName)).syncUninterruptibly().channel();
            return ServerAddress.LOCAL_PREFIX + localName;
        }
        final int port = address == null ? 0 : Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        server = b.bind("127.0.0.1", port).syncUninterruptibly().channel();
        return "127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
    }

    private final AtomicInteger accepted = new AtomicInteger();
    // messages the server's channels read (before frame decoding) that end inside a frame
    final AtomicInteger partial = new AtomicInteger();

    /** True when {@code b}'s readable bytes are whole length-prefixed frames. */
    private static boolean wholeFrames(final ByteBuf b) {
        long at = b.readerIndex();
        while (at + 4 <= b.writerIndex()) {
            final int length = b.getInt((int) at);
            if (length < 0) {
                return false;
            }
            at += 4L + length;
        }
        return at == b.writerIndex();
    }

    /** Generous timeouts for tests that do not test timeouts (a loaded CI machine can stall a JVM for seconds). */
    static ClientOptions patient() {
        return new ClientOptions(10_000, 10_000, 1 << 20, new ReconnectPolicy(10, 50));
    }

    private static ClientOptions fast() {
        return new ClientOptions(2_000, 2_000, 1 << 20, new ReconnectPolicy(10, 50));
    }

    @Test
    void shouldMatchAnswersByCorrelationIdWhenTheyArriveOutOfOrder() throws Exception {
        final String address = start(null);
        try (QueueClient client = new QueueClient(address, patient(), null)) {
            final ByteBuf batch = Unpooled.wrappedBuffer(new byte[] {1});
            final CompletableFuture<Long> first = client.produce("t", 1, batch);
            final CompletableFuture<Long> second = client.produce("t", 2, batch);
            assertEquals(100L, first.get(15, TimeUnit.SECONDS));
            assertEquals(200L, second.get(15, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldOpenOneConnectionWhenManyThreadsSendWhileItIsBeingEstablished() throws Exception {
        final String address = start(null);
        final int threads = 6;
        for (int round = 0; round < 30; round++) {
            accepted.set(0);
            try (QueueClient client = new QueueClient(address, patient(), null)) {
                final CyclicBarrier go = new CyclicBarrier(threads);
                final List<CompletableFuture<Long>> answers = new ArrayList<>();
                final List<Thread> senders = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    final CompletableFuture<Long> answer = new CompletableFuture<>();
                    answers.add(answer);
                    senders.add(Thread.ofPlatform().start(() -> {
                        try {
                            go.await(15, TimeUnit.SECONDS);
                            client.produce("now", 1, Unpooled.wrappedBuffer(new byte[] {1})).whenComplete((v, e) -> {
                                if (e != null) {
                                    answer.completeExceptionally(e);
                                } else {
                                    answer.complete(v);
                                }
                            });
                        } catch (final Exception e) {
                            answer.completeExceptionally(e);
                        }
                    }));
                }
                for (final CompletableFuture<Long> a : answers) {
                    assertEquals(100L, a.get(15, TimeUnit.SECONDS));
                }
                for (final Thread t : senders) {
                    t.join(5_000);
                }
                assertEquals(1, accepted.get(), "connections opened in round " + round);
            }
        }
    }

    @Test
    void shouldSendTheBatchWhenTheCallerReleasesItRightAfterProduce() throws Exception {
        final String address = start(null);
        try (QueueClient client = new QueueClient(address, patient(), null)) {
            final ByteBuf a = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer().writeLong(1);
            final ByteBuf b = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer().writeLong(2);
            final CompletableFuture<Long> first = client.produce("t", 1, a);
            final CompletableFuture<Long> second = client.produce("t", 2, b);
            a.release();
            b.release();
            assertEquals(100L, first.get(15, TimeUnit.SECONDS));
            assertEquals(200L, second.get(15, TimeUnit.SECONDS));
            assertEquals(0, a.refCnt());
            assertEquals(0, b.refCnt());
        }
    }

    /** Length and CRC32 of {@code length} bytes at {@code at}: what the "digest" topic answers. */
    static long digest(final ByteBuf buf, final int at, final int length) {
        final java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(buf.nioBuffer(at, length));
        return (long) length << 32 | crc.getValue();
    }

    /**
     * Batches below and above the zero-copy threshold, direct and heap, produced from several threads at once: the
     * server must get each one whole and in its own frame (a batch sent after its frame head is never separated
     * from it by another request), and every reference must come back.
     */
    @Test
    void shouldDeliverEveryBatchIntactWhenLargeDirectBatchesAreSentWithoutCopy() throws Exception {
        final long seed = Seeds.seed();
        final String address = start(null);
        final int[] sizes = {1, 100, PipelinedClient.ZERO_COPY_MIN_BYTES - 1, PipelinedClient.ZERO_COPY_MIN_BYTES,
            5000, 70_000};
        try (QueueClient client = new QueueClient(address, patient(), null)) {
            final List<Thread> threads = new ArrayList<>();
            final List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 4; t++) {
                final java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed + t);
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        final List<CompletableFuture<Long>> answers = new ArrayList<>();
                        final List<Long> expected = new ArrayList<>();
                        final List<ByteBuf> sent = new ArrayList<>();
                        for (int i = 0; i < 60; i++) {
                            final int size = sizes[rnd.nextInt(sizes.length)];
                            final ByteBuf batch = rnd.nextBoolean()
                                ? io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(size + 8)
                                : Unpooled.buffer(size + 8);
                            batch.writeZero(3).readerIndex(3); // a batch need not start at index 0
                            for (int j = 0; j < size; j++) {
                                batch.writeByte(rnd.nextInt(256));
                            }
                            expected.add(digest(batch, batch.readerIndex(), batch.readableBytes()));
                            answers.add(client.produce("digest", 0, batch));
                            batch.skipBytes(batch.readableBytes()); // the caller's indices are its own again
                            batch.release();
                            sent.add(batch);
                        }
                        for (int i = 0; i < answers.size(); i++) {
                            assertEquals(expected.get(i), answers.get(i).get(15, TimeUnit.SECONDS), "batch " + i
                                + " seed=" + seed);
                            assertEquals(0, sent.get(i).refCnt(), "batch " + i + " released");
                        }
                    } catch (Exception | AssertionError e) {
                        failures.add(e);
                    }
                }));
            }
            for (final Thread t : threads) {
                t.join();
            }
            assertTrue(failures.isEmpty(), "seed=" + seed + ": " + failures);
        }
    }

    @Test
    void shouldFailWithTheServersCodeWhenTheAnswerIsAnError() {
        final String address = start(null);
        try (QueueClient client = new QueueClient(address, patient(), null)) {
            final ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.produce("bad", 0, Unpooled.wrappedBuffer(new byte[1])).get(15, TimeUnit.SECONDS));
            final ContractException ce = assertInstanceOf(ContractException.class, e.getCause());
            assertEquals(ErrorCode.UNKNOWN_TOPIC, ce.code());
            assertTrue(ce.getMessage().contains("unknown topic: bad"), ce.getMessage());
        }
    }

    @Test
    void shouldTimeOutWhenTheServerNeverAnswers() {
        final String address = start(null);
        try (QueueClient client = new QueueClient(address, fast(), null)) {
            final ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.produce("silent", 0, Unpooled.wrappedBuffer(new byte[1])).get(5, TimeUnit.SECONDS));
            assertEquals(ErrorCode.TIMEOUT, ((ContractException) e.getCause()).code());
        }
    }

    @Test
    void shouldCollectEveryFrameWhenTheAnswerIsStreamed() throws Exception {
        final String address = start(null);
        try (StorageClient client = new StorageClient(address, patient(), null)) {
            final List<SeriesSamples> series = client.select(new SelectRequest(0, 10, 0,
                List.of(LabelMatcher.eq("__name__", "m")))).get(15, TimeUnit.SECONDS);
            assertEquals(1, series.size(), "split entries of one series are merged");
            assertEquals(3, series.get(0).size());
            assertEquals(3.0, series.get(0).values()[2]);
        }
    }

    @Test
    void shouldCallTheConsumerForEveryFrameWhenAnAnswerIsStreamed() throws Exception {
        final String address = start(null);
        try (PipelinedClient client = new PipelinedClient(ServerAddress.parse(address), patient(), null)) {
            final List<Boolean> more = java.util.Collections.synchronizedList(new ArrayList<>());
            client.requestStream(ApiKey.SELECT, out -> out.writeZero(8), 10_000, (frame, m) -> more.add(m))
                .get(15, TimeUnit.SECONDS);
            assertEquals(List.of(true, true, false), more);
        }
    }

    @Test
    void shouldFailFastWithNetworkWhenNothingListens() {
        final String address = local() ? "local:nobody-" + localName : "127.0.0.1:1";
        try (QueueClient client = new QueueClient(address, patient(), null)) {
            final ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.produce("now", 1, Unpooled.wrappedBuffer(new byte[1])).get(15, TimeUnit.SECONDS));
            assertEquals(ErrorCode.NETWORK, ((ContractException) e.getCause()).code());
        }
    }

    @Test
    void shouldReconnectWhenTheServerComesBack() throws Exception {
        final String address = start(null);
        server.close().syncUninterruptibly();
        try (QueueClient client = new QueueClient(address, patient(), null)) {
            final ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.produce("t", 1, Unpooled.wrappedBuffer(new byte[1])).get(15, TimeUnit.SECONDS));
            assertEquals(ErrorCode.NETWORK, ((ContractException) e.getCause()).code());
            start(address);
            Awaits.await(Duration.ofSeconds(20), () -> {
                try {
                    return client.produce("now", 3, Unpooled.wrappedBuffer(new byte[1])).get(15, TimeUnit.SECONDS)
                        == 300L;
                } catch (final Exception retry) {
                    return false;
                }
            }, "client reconnects to the restarted server");
            assertTrue(client.pipelinedClient().isConnected());
        }
    }
}
