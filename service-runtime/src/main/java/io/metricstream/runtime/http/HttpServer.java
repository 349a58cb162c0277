package io.metricstream.runtime.http;

import io.metricstream.runtime.lifecycle.EventLoops;
import io.metricstream.runtime.logging.DistinctErrorLog;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;
import java.time.Duration;

/** A bound HTTP/1.1 server: keep-alive, ordered pipelining, body limits, optional TLS. */
public final class HttpServer {
    private final Channel serverChannel;
    private final RequestTracker tracker;

    private HttpServer(Channel serverChannel, RequestTracker tracker) {
        this.serverChannel = serverChannel;
        this.tracker = tracker;
    }

    /** Binds a server for {@code router} on the event loops; returns once bound. */
    public static HttpServer bind(EventLoops loops, HttpServerOptions options, Router router, DistinctErrorLog errors)
        throws InterruptedException {
        final RequestTracker tracker = new RequestTracker();
        final Channel ch = new ServerBootstrap()
            .group(loops.bossGroup(), loops.workerGroup())
            .channel(loops.serverChannelClass())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .childHandler(new HttpServerInitializer(router, options.limits(), options.ssl(), tracker, errors))
            .bind(options.bindAddress(), options.port()).sync().channel();
        return new HttpServer(ch, tracker);
    }

    /** The bound address (the real port when bound to 0). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** The bound port. */
    public int port() {
        return localAddress().getPort();
    }

    /** The in-flight and connection tracker. */
    public RequestTracker tracker() {
        return tracker;
    }

    /** Stops accepting connections; open connections keep being served. */
    public void stopAccepting() {
        tracker.startDraining();
        serverChannel.close().awaitUninterruptibly(1000);
    }

    /** Waits for in-flight requests up to {@code timeout}, then closes every connection. */
    public boolean drainAndClose(Duration timeout) {
        final boolean drained = tracker.awaitDrained(timeout);
        tracker.closeConnections(Duration.ofMillis(500));
        return drained;
    }
}
