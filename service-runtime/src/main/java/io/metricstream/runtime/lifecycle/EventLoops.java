package io.metricstream.runtime.lifecycle;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The boss (accept) and worker (IO) event loop groups shared by every server of a JVM, of one {@link Transport}
 * (io_uring, epoll or NIO) with its channel classes; and one loop of Netty's in-JVM transport that carries the
 * binary protocols between services of the same JVM ({@code local:NAME} addresses).
 *
 * <p>Design note: io_uring, epoll and NIO loops cannot register local channels (each Netty 4.2 IoHandler accepts
 * only its own transport's IoHandle), so the local transport has its own loop. It is one thread so that both ends
 * of an in-JVM connection live on it: a frame written by one end is read by the other on the same thread, with no
 * wake-up, where loopback TCP costs a send, a receive and an epoll wake-up on each side.
 */
public final class EventLoops implements AutoCloseable {
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final EventLoopGroup localGroup;
    private final Transport transport;

    private EventLoops(EventLoopGroup bossGroup, EventLoopGroup workerGroup, EventLoopGroup localGroup,
                       Transport transport) {
        this.bossGroup = bossGroup;
        this.workerGroup = workerGroup;
        this.localGroup = localGroup;
        this.transport = transport;
    }

    /**
     * The worker count a host uses unless configured: one per core, not Netty's default of two per core.
     *
     * <p>Design note: one-sample requests (loadgen/bench/tiny.sh, 2 cores) spent two thirds of the server's CPU in
     * the kernel, most of it on the IO threads switching in and out of {@code epoll_wait}; four loops on two cores
     * each woke for less work than two do. IO-thread CPU (/proc/PID/task) of the same build, 2 loops against 4,
     * run pairs back to back: 18.6 and 18.8 against 20.5 and 21.9 µs/request. No event loop blocks (the queue's
     * writes and fsyncs run on their own threads), so more loops than cores buy no parallelism.
     */
    public static int defaultWorkerThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Creates one boss thread and {@code workerThreads} workers (0 = Netty's default, twice the cores) of the
     * {@code auto} transport ({@link Transport#select(String)}).
     */
    public static EventLoops create(int workerThreads) {
        return create(workerThreads, Transport.select(Transport.AUTO));
    }

    /** Creates one boss thread and {@code workerThreads} workers (0 = twice the cores) of {@code transport}. */
    public static EventLoops create(int workerThreads, Transport transport) {
        final IoHandlerFactory io = transport.ioHandlerFactory();
        return new EventLoops(
            new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("ms-accept", true), io),
            new MultiThreadIoEventLoopGroup(workerThreads, new DefaultThreadFactory("ms-io", true), io),
            new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("ms-local", true), LocalIoHandler.newFactory()),
            transport);
    }

    /** The accept group. */
    public EventLoopGroup bossGroup() {
        return bossGroup;
    }

    /** The IO group; services may schedule non-blocking work on it. */
    public EventLoopGroup workerGroup() {
        return workerGroup;
    }

    /**
     * The in-JVM transport's loop: servers' {@code LocalServerChannel}s and their clients' {@code LocalChannel}s
     * register here (never block on it).
     */
    public EventLoopGroup localGroup() {
        return localGroup;
    }

    /** The transport of the boss and worker groups. */
    public Transport transport() {
        return transport;
    }

    /** The server channel class for the transport. */
    public Class<? extends ServerChannel> serverChannelClass() {
        return transport.serverChannelClass();
    }

    /** The client channel class for the transport. */
    public Class<? extends SocketChannel> socketChannelClass() {
        return transport.socketChannelClass();
    }

    /** Shuts the groups down with no quiet period, waiting up to {@code timeout}. */
    public void shutdown(Duration timeout) {
        final long ms = timeout.toMillis();
        bossGroup.shutdownGracefully(0, ms, TimeUnit.MILLISECONDS);
        workerGroup.shutdownGracefully(0, ms, TimeUnit.MILLISECONDS);
        localGroup.shutdownGracefully(0, ms, TimeUnit.MILLISECONDS);
        bossGroup.terminationFuture().awaitUninterruptibly(ms);
        workerGroup.terminationFuture().awaitUninterruptibly(ms);
        localGroup.terminationFuture().awaitUninterruptibly(ms);
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(1));
    }
}
