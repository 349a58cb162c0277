package io.metricstream.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.frame.ApiKey;
import io.metricstream.contracts.frame.FrameDescriptor;
import io.metricstream.contracts.model.SampleRecordCodec;
import io.metricstream.contracts.queue.TopicMetadata;
import io.metricstream.contracts.record.RecordBatchView;
import io.metricstream.contracts.wire.DecodeStatus;
import io.metricstream.contracts.wire.WireReader;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The queue produce path against a minimal binary queue on loopback that answers METADATA (topic
 * {@code metrics.inbound}, 4 partitions) and PRODUCE (checks each record batch, counts its samples).
 */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueueProduceIntegrationTest {
    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong badBatches = new AtomicLong();

    private final class FakeQueue extends SimpleChannelInboundHandler<ByteBuf> {
        private long nextOffset;

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final ByteBuf frame) {
            final int at = frame.readerIndex();
            final int apiKey = FrameDescriptor.apiKey(frame, at);
            final int correlationId = frame.getInt(at + FrameDescriptor.REQUEST_CORRELATION_ID_AT);
            final WireReader r = new WireReader().wrap(frame, at + FrameDescriptor.REQUEST_HEADER_LENGTH,
                frame.writerIndex() - at - FrameDescriptor.REQUEST_HEADER_LENGTH);
            final ByteBuf out = ctx.alloc().buffer();
            final int start = FrameDescriptor.beginResponse(out, correlationId, ErrorCode.NONE, false);
            if (apiKey == ApiKey.METADATA.id()) {
                TopicMetadata.encodeList(out, List.of(new TopicMetadata("metrics.inbound", 4)));
            } else {
                r.string16("topic");
                final int partition = r.int32("partition");
                r.int32("timeoutMs");
                final int batchAt = r.bytes32("batch");
                final RecordBatchView view = new RecordBatchView().wrap(frame, batchAt);
                if (partition < 0 || partition >= 4
                    || view.check(r.lastLength(), Integer.MAX_VALUE) != DecodeStatus.OK) {
                    badBatches.incrementAndGet();
                }
                final RecordBatchView.RecordCursor c = new RecordBatchView.RecordCursor().reset(view);
                while (c.next()) {
                    samples.addAndGet(SampleRecordCodec.sampleCount(c.valueLength()));
                }
                out.writeLong(nextOffset);
                nextOffset += view.recordCount();
            }
            FrameDescriptor.finish(out, start);
            ctx.writeAndFlush(out);
        }
    }

    @Test
    void shouldProduceEverySampleWhenTargetIsTheQueue() throws Exception {
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            final Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(final SocketChannel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(1 << 24, 0, 4, 0, 0), new FakeQueue());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
            final int port = ((InetSocketAddress) server.localAddress()).getPort();
            final LoadgenCliTest.Run r = LoadgenCliTest.cli("--target", "queue://127.0.0.1:" + port,
                "--batch", "500", "--requests", "10", "--connections", "2", "--hosts", "20", "--metrics", "5",
                "--duration", "20s");
            assertEquals(0, r.code(), r.out() + r.err());
            assertEquals(0, badBatches.get());
            assertEquals(2 * 10 * 500, samples.get());
            assertTrue(r.out().contains("queue://127.0.0.1:" + port + "/metrics.inbound")
                && r.out().contains("200=20 (10000 samples)"), r.out());
            final LoadgenCliTest.Run mismatch = LoadgenCliTest.cli("--target", "queue://127.0.0.1:" + port,
                "--format", "lp", "--requests", "1");
            assertEquals(2, mismatch.code());
            assertTrue(mismatch.err().contains("does not fit target"), mismatch.err());
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
