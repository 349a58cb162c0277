package io.metricstream.runtime.binary;

import io.metricstream.runtime.lifecycle.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Supplier;

/** A bound length-prefixed binary server: TCP_NODELAY, pooled buffers, one handler per connection. */
public final class BinaryServer {
    private final Channel serverChannel;
    private final ChannelGroup connections;

    private BinaryServer(Channel serverChannel, ChannelGroup connections) {
        this.serverChannel = serverChannel;
        this.connections = connections;
    }

    /** Binds on {@code bindAddress:port} (0 = ephemeral); see {@link FrameHandlerInitializer} for the framing. */
    public static BinaryServer bind(EventLoops loops, String bindAddress, int port,
                                    Supplier<? extends ChannelHandler> perChannelHandler, int maxFrameBytes)
        throws InterruptedException {
        final ChannelGroup connections = new DefaultChannelGroup("binary", GlobalEventExecutor.INSTANCE);
        final FrameHandlerInitializer frames = new FrameHandlerInitializer(perChannelHandler, maxFrameBytes);
        final Channel ch = new ServerBootstrap()
            .group(loops.bossGroup(), loops.workerGroup())
            .channel(loops.serverChannelClass())
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel c) {
                    connections.add(c);
                    c.pipeline().addLast(frames);
                }
            })
            .bind(bindAddress, port).sync().channel();
        return new BinaryServer(ch, connections);
    }

    /** The bound address. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** The bound port. */
    public int port() {
        return localAddress().getPort();
    }

    /** Stops accepting connections. */
    public void stopAccepting() {
        serverChannel.close().awaitUninterruptibly(1000);
    }

    /** Closes every open connection, waiting up to {@code timeout}. */
    public void closeConnections(Duration timeout) {
        connections.close().awaitUninterruptibly(timeout.toMillis());
    }
}
