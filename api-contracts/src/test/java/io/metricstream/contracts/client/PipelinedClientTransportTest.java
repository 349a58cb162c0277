package io.metricstream.contracts.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.frame.ApiKey;
import io.metricstream.contracts.frame.FrameDescriptor;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client opens the channel class of its shared group's transport: io_uring, epoll or NIO. */
@Tag("integration")
@Timeout(30)
class PipelinedClientTransportTest {

    @Test
    void shouldPickTheChannelClassOfTheGroupsTransport() {
        assertChannelClass(NioIoHandler::newFactory, NioSocketChannel.class);
        if (Epoll.isAvailable()) {
            assertChannelClass(EpollIoHandler::newFactory, EpollSocketChannel.class);
        }
        if (IoUring.isAvailable()) {
            assertChannelClass(IoUringIoHandler::newFactory, IoUringSocketChannel.class);
        }
    }

    private static void assertChannelClass(final Supplier<IoHandlerFactory> io, final Class<?> expected) {
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, io.get());
        try {
            assertSame(expected, PipelinedClient.socketChannelClass(group));
        } finally {
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).syncUninterruptibly();
        }
    }

    @Test
    void shouldGetAnAnswerOverIoUringWhenTheSharedGroupRunsIoUring() throws Exception {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring unavailable here: " + IoUring.unavailabilityCause());
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory());
        Channel server = null;
        try {
            server = new ServerBootstrap().group(group).channel(IoUringServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(final Channel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 0), new Echo());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
            final int port = ((InetSocketAddress) server.localAddress()).getPort();
            try (PipelinedClient client = new PipelinedClient("127.0.0.1", port,
                new ClientOptions(10_000, 10_000, 1 << 20, new ReconnectPolicy(10, 50)), group)) {
                final ByteBuf answer = client.request(ApiKey.PRODUCE, b -> b.writeLong(0x5eed), 10_000)
                    .get(15, TimeUnit.SECONDS);
                try {
                    assertEquals(0x5eed, answer.getLong(FrameDescriptor.RESPONSE_HEADER_LENGTH));
                } finally {
                    answer.release();
                }
            }
        } finally {
            if (server != null) {
                server.close().syncUninterruptibly();
            }
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).syncUninterruptibly();
        }
    }

    /** Answers each request with its body's first long. */
    private static final class Echo extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final ByteBuf frame) {
            final ByteBuf out = ctx.alloc().buffer();
            final int start = FrameDescriptor.beginResponse(out, FrameDescriptor.requestCorrelationId(frame, 0),
                ErrorCode.NONE, false);
            out.writeLong(frame.getLong(FrameDescriptor.REQUEST_HEADER_LENGTH));
            FrameDescriptor.finish(out, start);
            ctx.writeAndFlush(out);
        }
    }
}
