package io.metricstream.runtime.binary;

import io.metricstream.runtime.lifecycle.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bound length-prefixed binary server: TCP_NODELAY, pooled buffers, one handler per connection. It may also
 * listen on an in-JVM address ({@link LocalAddress}, on {@link EventLoops#localGroup()}) for clients in the same
 * JVM: same pipeline, same handlers, no kernel in between. A handler that writes {@code FileRegion}s must send
 * bytes instead on local channels (a local channel passes messages through untouched, and the other end's frame
 * decoder reads only ByteBufs).
 */
public final class BinaryServer {
    private static final Logger LOG = LoggerFactory.getLogger(BinaryServer.class);

    private final Channel serverChannel;
    private final Channel localServerChannel;
    private final ChannelGroup connections;

    private BinaryServer(Channel serverChannel, Channel localServerChannel, ChannelGroup connections) {
        this.serverChannel = serverChannel;
        this.localServerChannel = localServerChannel;
        this.connections = connections;
    }

    /** Binds on {@code bindAddress:port} (0 = ephemeral); see {@link FrameHandlerInitializer} for the framing. */
    public static BinaryServer bind(EventLoops loops, String bindAddress, int port,
                                    Supplier<? extends ChannelHandler> perChannelHandler, int maxFrameBytes)
        throws InterruptedException {
        return bind(loops, bindAddress, port, null, perChannelHandler, maxFrameBytes);
    }

    /**
     * Binds on {@code bindAddress:port} and, when {@code localName} is not null, on {@code new LocalAddress(localName)}
     * too. A local name already bound in this JVM (a second host of the same service) is logged and skipped: the TCP
     * server still serves.
     */
    public static BinaryServer bind(EventLoops loops, String bindAddress, int port, String localName,
                                    Supplier<? extends ChannelHandler> perChannelHandler, int maxFrameBytes)
        throws InterruptedException {
        final ChannelGroup connections = new DefaultChannelGroup("binary", GlobalEventExecutor.INSTANCE);
        final FrameHandlerInitializer frames = new FrameHandlerInitializer(perChannelHandler, maxFrameBytes);
        final ChannelInitializer<Channel> accepted = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel c) {
                connections.add(c);
                c.pipeline().addLast(frames);
            }
        };
        final Channel ch = new ServerBootstrap()
            .group(loops.bossGroup(), loops.workerGroup())
            .channel(loops.serverChannelClass())
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .childHandler(accepted)
            .bind(bindAddress, port).sync().channel();
        Channel local = null;
        if (localName != null) {
            final ChannelFuture f = new ServerBootstrap()
                .group(loops.localGroup())
                .channel(LocalServerChannel.class)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(accepted)
                .bind(new LocalAddress(localName)).await();
            if (f.isSuccess()) {
                local = f.channel();
            } else {
                LOG.warn("binary server on port {} not bound in-JVM as local:{}: {}", port, localName,
                    f.cause().toString());
            }
        }
        return new BinaryServer(ch, local, connections);
    }

    /** The bound address. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** The in-JVM address ({@code local:NAME} for clients), or null when not bound in-JVM. */
    public LocalAddress localChannelAddress() {
        return localServerChannel == null ? null : (LocalAddress) localServerChannel.localAddress();
    }

    /** The bound port. */
    public int port() {
        return localAddress().getPort();
    }

    /** Stops accepting connections. */
    public void stopAccepting() {
        serverChannel.close().awaitUninterruptibly(1000);
        if (localServerChannel != null) {
            localServerChannel.close().awaitUninterruptibly(1000);
        }
    }

    /** Closes every open connection, waiting up to {@code timeout}. */
    public void closeConnections(Duration timeout) {
        connections.close().awaitUninterruptibly(timeout.toMillis());
    }
}
