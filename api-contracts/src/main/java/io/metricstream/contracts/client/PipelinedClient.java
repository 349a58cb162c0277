package io.metricstream.contracts.client;

import io.metricstream.contracts.error.ContractException;
import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.frame.ApiKey;
import io.metricstream.contracts.frame.FrameDescriptor;
import io.metricstream.contracts.wire.WireReader;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.ReferenceCounted;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A pipelined client for the length-prefixed binary protocols (docs/format/frames.md): many requests in
 * flight on one connection, answers matched by correlation id, a timeout per request, and reconnection with
 * back-off ({@link ReconnectPolicy}). Thread-safe: requests may be sent from any thread; answers complete
 * on the connection's event loop, so callers must not block inside their callbacks.
 *
 * <p>The server is at a TCP address or, in the same JVM, at a {@code local:NAME} address ({@link ServerAddress}):
 * the same frames over Netty's in-JVM transport, whose channels need an event loop group of the local transport
 * (a {@code LocalIoHandler} group; io_uring, epoll and NIO loops cannot register them).
 *
 * <p>A request fails with a {@link ContractException} whose code is the server's error, TIMEOUT, or NETWORK
 * (not connected, connection lost, back-off in progress). Whether to retry is the caller's choice
 * ({@code code().retriable()}).
 */
public final class PipelinedClient implements AutoCloseable {
    /** Receives each response frame of a streamed answer; {@code more} is false for the last one. */
    @FunctionalInterface
    public interface FrameConsumer {
        /** Called on the event loop; {@code frame} is only valid during the call. */
        void onFrame(ByteBuf frame, boolean more);
    }

    /**
     * Direct payloads of at least this many bytes are sent from their own buffer; smaller ones are copied into the
     * request frame, where a memcpy costs less than a second outbound buffer entry and iovec. Heap payloads are
     * always copied (a socket write would copy them into a direct buffer anyway).
     */
    public static final int ZERO_COPY_MIN_BYTES = 1024;

    private final ServerAddress remote;
    private final ClientOptions options;
    private final EventLoopGroup group;
    private final Class<? extends Channel> channelClass;
    private final boolean ownsGroup;
    private final AtomicInteger nextCorrelationId = new AtomicInteger(1);
    private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
    private final Object connectLock = new Object();
    // guarded by connectLock
    private ChannelFuture connecting;
    private Channel channel;
    private int failures;
    private long nextAttemptNanos;
    private volatile boolean closed;

    /** A client with its own single-thread event loop. */
    public PipelinedClient(final String host, final int port, final ClientOptions options) {
        this(host, port, options, null);
    }

    /**
     * A client on a shared event loop group ({@code null} = own single-thread group, closed with the client).
     * A shared group runs io_uring, epoll or NIO loops; the client opens the matching channel class.
     */
    public PipelinedClient(final String host, final int port, final ClientOptions options,
                           final EventLoopGroup sharedGroup) {
        this(ServerAddress.tcp(host, port), options, sharedGroup);
    }

    /**
     * A client of the server at {@code remote} on a shared event loop group ({@code null} = own single-thread group
     * of the address's transport, closed with the client). For a TCP address a shared group runs io_uring, epoll
     * or NIO loops ({@link #socketChannelClass(EventLoopGroup)}); for a {@code local:} address it must be a
     * local-transport group.
     */
    public PipelinedClient(final ServerAddress remote, final ClientOptions options, final EventLoopGroup sharedGroup) {
        this.remote = remote;
        this.options = options;
        this.ownsGroup = sharedGroup == null;
        this.group = sharedGroup != null ? sharedGroup : new MultiThreadIoEventLoopGroup(1, remote.local()
            ? LocalIoHandler.newFactory()
            : Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.channelClass = remote.local() ? LocalChannel.class : socketChannelClass(group);
    }

    /**
     * The TCP channel class whose IO handle the loops of {@code group} register: io_uring, epoll, else NIO (a
     * channel of another transport would fail to register, as each Netty 4.2 IoHandler accepts only its own).
     */
    public static Class<? extends SocketChannel> socketChannelClass(final EventLoopGroup group) {
        if (group instanceof IoEventLoopGroup io) {
            if (io.isIoType(IoUringIoHandler.class)) {
                return IoUringSocketChannel.class;
            }
            if (io.isIoType(EpollIoHandler.class)) {
                return EpollSocketChannel.class;
            }
        }
        return NioSocketChannel.class;
    }

    /** The address this client talks to, as configured (host:port or local:NAME). */
    public String address() {
        return remote.text();
    }

    /** Sends one request and completes with the whole (retained) response frame; release it when done. */
    public CompletableFuture<ByteBuf> request(final ApiKey apiKey, final Consumer<ByteBuf> bodyWriter,
                                              final int timeoutMs) {
        return request(apiKey, bodyWriter, timeoutMs, null);
    }

    /**
     * As {@link #request(ApiKey, Consumer, int)}, holding one reference of {@code attachment} (a buffer the body
     * writer copies from) until the body is written or the request fails before that; the caller may release
     * its own reference as soon as this returns.
     */
    public CompletableFuture<ByteBuf> request(final ApiKey apiKey, final Consumer<ByteBuf> bodyWriter,
                                              final int timeoutMs, final ReferenceCounted attachment) {
        final CompletableFuture<ByteBuf> result = new CompletableFuture<>();
        final Pending p = new Pending(result, null);
        if (attachment != null) {
            p.attachment = attachment.retain();
        }
        send(apiKey, bodyWriter, timeoutMs, p);
        return result;
    }

    /**
     * Sends one request whose body is the {@code headBytes} bytes {@code headWriter} writes followed by the readable
     * bytes of {@code payload}, and completes with the whole (retained) response frame. Over TCP a direct payload of
     * at least {@link #ZERO_COPY_MIN_BYTES} is written to the connection from its own buffer after the head, not
     * copied (both in one event-loop step, so no other request comes between them); in the JVM ({@code local:})
     * every payload is copied into the frame's one buffer. The client holds one reference
     * of {@code payload} until then: the caller may release its own as soon as this returns, but must not change
     * the bytes before the answer.
     */
    public CompletableFuture<ByteBuf> request(final ApiKey apiKey, final Consumer<ByteBuf> headWriter,
                                              final int headBytes, final ByteBuf payload, final int timeoutMs) {
        final CompletableFuture<ByteBuf> result = new CompletableFuture<>();
        final Pending p = new Pending(result, null);
        // the bounds are read now (the caller may move its indices once this returns); the slice sent after the
        // head is cut on the event loop, whose recycler pools it, not on this thread, whose recycler may not
        p.payload = payload.retain();
        p.payloadAt = payload.readerIndex();
        p.payloadLength = payload.readableBytes();
        p.headBytes = headBytes;
        send(apiKey, headWriter, timeoutMs, p);
        return result;
    }

    /**
     * Sends one request whose answer may span several frames (SELECT); each frame goes to {@code consumer} and
     * the future completes after the last one.
     */
    public CompletableFuture<Void> requestStream(final ApiKey apiKey, final Consumer<ByteBuf> bodyWriter,
                                                 final int timeoutMs, final FrameConsumer consumer) {
        final CompletableFuture<ByteBuf> frames = new CompletableFuture<>();
        send(apiKey, bodyWriter, timeoutMs, new Pending(frames, consumer));
        return frames.thenApply(ignored -> null);
    }

    private void send(final ApiKey apiKey, final Consumer<ByteBuf> bodyWriter, final int timeoutMs,
                      final Pending p) {
        if (closed) {
            p.releaseAttachment();
            p.future.completeExceptionally(new ContractException(ErrorCode.NETWORK, "client closed: " + address()));
            return;
        }
        final ChannelFuture cf;
        try {
            cf = connect();
        } catch (final ContractException e) {
            p.releaseAttachment();
            p.future.completeExceptionally(e);
            return;
        }
        // a channel future notifies its listeners on the channel's event loop, so write() runs there
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                p.releaseAttachment();
                p.future.completeExceptionally(new ContractException(ErrorCode.NETWORK,
                    "cannot connect to " + address() + ": " + f.cause().getMessage(), f.cause()));
                return;
            }
            write(cf.channel(), apiKey, bodyWriter, timeoutMs, p);
        });
    }

    private void write(final Channel ch, final ApiKey apiKey, final Consumer<ByteBuf> bodyWriter,
                       final int timeoutMs, final Pending p) {
        final int correlationId = nextCorrelationId.getAndIncrement();
        final ByteBuf payload = p.payload;
        final int payloadLength = p.payloadLength;
        // in the JVM (local:) the payload is always copied into the frame: the server's frame decoder would
        // otherwise copy it behind the head itself (growing the head's buffer), and one buffer per frame keeps a
        // single buffer class crossing the local channel (the caller's batch class reached the server's
        // LocalChannel.readInbound only in the measured pass, a class-check deopt there)
        final boolean sendPayload = payload != null && !remote.local() && payload.isDirect()
            && payloadLength >= ZERO_COPY_MIN_BYTES;
        final ByteBuf out = payload == null ? ch.alloc().buffer() : ch.alloc().ioBuffer(
            FrameDescriptor.REQUEST_HEADER_LENGTH + p.headBytes + (sendPayload ? 0 : payloadLength));
        ByteBuf sent = null;
        try {
            final int start = FrameDescriptor.beginRequest(out, apiKey, correlationId);
            bodyWriter.accept(out);
            if (payload != null && !sendPayload) {
                out.writeBytes(payload, p.payloadAt, payloadLength);
            }
            FrameDescriptor.finish(out, start);
            if (sendPayload) {
                out.setInt(start + FrameDescriptor.LENGTH_AT, out.getInt(start + FrameDescriptor.LENGTH_AT)
                    + payloadLength);
                // its own reference, which the channel releases once written; p's is released below
                sent = payload.retainedSlice(p.payloadAt, payloadLength);
            }
        } catch (final RuntimeException e) {
            out.release();
            p.future.completeExceptionally(e);
            return;
        } finally {
            p.releaseAttachment();
        }
        pending.put(correlationId, p);
        p.timeout = ch.eventLoop().schedule(() -> {
            final Pending timedOut = pending.remove(correlationId);
            if (timedOut != null) {
                timedOut.future.completeExceptionally(new ContractException(ErrorCode.TIMEOUT,
                    apiKey + " to " + address() + " took longer than " + timeoutMs + " ms"));
            }
        }, timeoutMs, TimeUnit.MILLISECONDS);
        if (sent != null) {
            ch.write(out, ch.voidPromise()); // on the event loop (see send): the payload follows it directly
        }
        ch.writeAndFlush(sent != null ? sent : out).addListener(f -> {
            if (!f.isSuccess()) {
                final Pending failed = pending.remove(correlationId);
                if (failed != null) {
                    failed.cancelTimeout();
                    failed.future.completeExceptionally(new ContractException(ErrorCode.NETWORK,
                        "write to " + address() + " failed: " + f.cause().getMessage(), f.cause()));
                }
            }
        });
    }

    private ChannelFuture connect() {
        synchronized (connectLock) {
            if (channel != null && channel.isActive()) {
                return channel.newSucceededFuture();
            }
            // a finished connect whose listener has not yet set `channel` is still the connection: without this,
            // a request racing that listener opened a second connection (and lost the one-connection ordering)
            if (connecting != null && (!connecting.isDone()
                || connecting.isSuccess() && connecting.channel().isActive())) {
                return connecting;
            }
            final long now = System.nanoTime();
            if (failures > 0 && now < nextAttemptNanos) {
                throw new ContractException(ErrorCode.NETWORK, "not connected to " + address() + "; retrying in "
                    + TimeUnit.NANOSECONDS.toMillis(nextAttemptNanos - now) + " ms");
            }
            final Bootstrap b = new Bootstrap().group(group).channel(channelClass);
            if (!remote.local()) {
                b.option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, options.connectTimeoutMs());
            }
            b.handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(final Channel ch) {
                    ch.pipeline()
                        .addLast(new FlushConsolidationHandler(256, true))
                        .addLast(new LengthFieldBasedFrameDecoder(options.maxFrameBytes(), 0, 4, 0, 0))
                        .addLast(new ResponseHandler());
                }
            });
            final ChannelFuture f = b.connect(remote.socketAddress());
            connecting = f;
            f.addListener(done -> {
                synchronized (connectLock) {
                    if (done.isSuccess()) {
                        channel = f.channel();
                        failures = 0;
                    } else {
                        failures++;
                        nextAttemptNanos = System.nanoTime()
                            + TimeUnit.MILLISECONDS.toNanos(options.reconnect().delayMs(failures));
                    }
                }
            });
            return f;
        }
    }

    /** Whether a connection is currently open. */
    public boolean isConnected() {
        synchronized (connectLock) {
            return channel != null && channel.isActive();
        }
    }

    /** Fails every request in flight and closes the connection (and the owned event loop). */
    @Override
    public void close() {
        closed = true;
        final Channel ch;
        synchronized (connectLock) {
            ch = channel;
        }
        if (ch != null) {
            ch.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        failAll("client closed");
        if (ownsGroup) {
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    private void failAll(final String why) {
        for (final Integer id : pending.keySet()) {
            final Pending p = pending.remove(id);
            if (p != null) {
                p.cancelTimeout();
                p.future.completeExceptionally(new ContractException(ErrorCode.NETWORK, why + ": " + address()));
            }
        }
    }

    /** Reads the error message body of a failed response frame. */
    static String errorMessage(final ByteBuf frame) {
        final WireReader r = new WireReader().wrap(frame, frame.readerIndex() + FrameDescriptor.RESPONSE_HEADER_LENGTH,
            frame.readableBytes() - FrameDescriptor.RESPONSE_HEADER_LENGTH);
        final String message = r.string16("message");
        return r.ok() ? message : "(no message)";
    }

    private static final class Pending {
        final CompletableFuture<ByteBuf> future;
        final FrameConsumer stream;
        io.netty.util.concurrent.ScheduledFuture<?> timeout;
        ReferenceCounted attachment;
        // a reference to the buffer whose bytes [payloadAt, payloadAt + payloadLength) follow the head written by
        // the body writer, and the head's size
        ByteBuf payload;
        int payloadAt;
        int payloadLength;
        int headBytes;

        Pending(final CompletableFuture<ByteBuf> future, final FrameConsumer stream) {
            this.future = future;
            this.stream = stream;
        }

        void releaseAttachment() {
            if (attachment != null) {
                attachment.release();
                attachment = null;
            }
            if (payload != null) {
                payload.release();
                payload = null;
            }
        }

        void cancelTimeout() {
            if (timeout != null) {
                timeout.cancel(false);
            }
        }
    }

    private final class ResponseHandler extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final ByteBuf frame) {
            final int at = frame.readerIndex();
            if (frame.readableBytes() < FrameDescriptor.RESPONSE_HEADER_LENGTH) {
                ctx.close();
                return;
            }
            final int correlationId = FrameDescriptor.responseCorrelationId(frame, at);
            final ErrorCode error = FrameDescriptor.errorCode(frame, at);
            final boolean more = FrameDescriptor.more(frame, at);
            final Pending p = more ? pending.get(correlationId) : pending.remove(correlationId);
            if (p == null) {
                return; // timed out earlier: the late answer is dropped
            }
            if (error != ErrorCode.NONE) {
                pending.remove(correlationId);
                p.cancelTimeout();
                p.future.completeExceptionally(new ContractException(error, errorMessage(frame)));
                return;
            }
            if (p.stream != null) {
                try {
                    p.stream.onFrame(frame, more);
                } catch (final RuntimeException e) {
                    pending.remove(correlationId);
                    p.cancelTimeout();
                    p.future.completeExceptionally(e);
                    return;
                }
                if (!more) {
                    p.cancelTimeout();
                    p.future.complete(null);
                }
                return;
            }
            p.cancelTimeout();
            if (!p.future.complete(frame.retain())) {
                frame.release();
            }
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx) {
            failAll("connection lost");
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            ctx.close();
        }
    }
}
