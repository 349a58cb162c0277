package io.metricstream.loadgen.drive;

import io.metricstream.loadgen.encode.PayloadFormat;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/1.1 keep-alive connection on Netty with one request in flight: POSTs a prepared body and reports the
 * status. A lost or timed-out connection completes the request with status 0 and is re-opened by the next send.
 * Thread-safe for {@link #send} (hands over to the channel's event loop); callbacks run on that event loop.
 */
public final class HttpTransport implements Transport {
    /** Largest response body kept (error bodies are short; success bodies are ignored). */
    private static final int MAX_RESPONSE_BYTES = 1 << 20;
    private static final int MAX_DETAIL_CHARS = 200;

    private final Bootstrap bootstrap;
    private final HttpTarget target;
    private final PayloadFormat format;
    private final long timeoutNanos;
    // owned by the event loop of the current channel
    private volatile Channel channel;
    private Completion pending;
    private ScheduledFuture<?> timeout;
    private volatile boolean closed;

    /** A transport for {@code target} on {@code group}; connects on the first send. */
    public HttpTransport(final EventLoopGroup group, final Class<? extends SocketChannel> channelType,
                         final HttpTarget target, final PayloadFormat format, final long timeoutMs) {
        this.target = target;
        this.format = format;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        this.bootstrap = new Bootstrap().group(group).channel(channelType)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeoutMs, 10_000))
            .handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(final SocketChannel ch) {
                    ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_RESPONSE_BYTES),
                        new ResponseHandler());
                }
            });
    }

    @Override
    public void send(final PreparedRequest request, final Completion completion) {
        final FullHttpRequest http = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, target.uri(),
            request.body);
        request.body = null;
        http.headers().set(HttpHeaderNames.HOST, target.host() + ":" + target.port())
            .set(HttpHeaderNames.CONTENT_TYPE, format.contentType())
            .set(HttpHeaderNames.CONTENT_LENGTH, http.content().readableBytes())
            .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        if (format.contentEncoding() != null) {
            http.headers().set(HttpHeaderNames.CONTENT_ENCODING, format.contentEncoding());
        }
        if (format == PayloadFormat.REMOTE_WRITE) {
            http.headers().set("X-Prometheus-Remote-Write-Version", "0.1.0");
        }
        final Channel ch = channel;
        if (closed) {
            http.release();
            completion.done(0, System.nanoTime(), "transport closed");
        } else if (ch != null && ch.isActive()) {
            ch.eventLoop().execute(() -> write(ch, http, completion, request));
        } else {
            final ChannelFuture connect = bootstrap.connect(target.host(), target.port());
            connect.addListener(f -> {
                if (f.isSuccess()) {
                    channel = connect.channel();
                    write(connect.channel(), http, completion, request);
                } else {
                    http.release();
                    completion.done(0, System.nanoTime(), "connect to " + target.host() + ":" + target.port()
                        + " failed: " + f.cause().getMessage());
                }
            });
        }
    }

    private void write(final Channel ch, final FullHttpRequest http, final Completion completion,
                       final PreparedRequest request) {
        if (!ch.isActive()) {
            http.release();
            completion.done(0, System.nanoTime(), "connection closed before send");
            return;
        }
        pending = completion;
        request.sentNanos = System.nanoTime();
        timeout = ch.eventLoop().schedule(() -> fail(ch, "timeout after " + timeoutNanos / 1_000_000 + " ms"),
            timeoutNanos, TimeUnit.NANOSECONDS);
        ch.writeAndFlush(http).addListener(f -> {
            if (!f.isSuccess()) {
                fail(ch, "write failed: " + f.cause());
            }
        });
    }

    private void fail(final Channel ch, final String reason) {
        final Completion c = pending;
        pending = null;
        if (timeout != null) {
            timeout.cancel(false);
        }
        ch.close();
        if (c != null) {
            c.done(0, System.nanoTime(), reason);
        }
    }

    @Override
    public void close() {
        closed = true;
        final Channel ch = channel;
        if (ch != null) {
            ch.close().syncUninterruptibly();
        }
    }

    private final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpResponse response) {
            final long end = System.nanoTime();
            final Completion c = pending;
            pending = null;
            if (timeout != null) {
                timeout.cancel(false);
            }
            final int status = response.status().code();
            String detail = null;
            if (status >= 300) {
                final ByteBuf content = response.content();
                detail = content.toString(content.readerIndex(), Math.min(content.readableBytes(), MAX_DETAIL_CHARS),
                    StandardCharsets.UTF_8);
            }
            if (!HttpUtil.isKeepAlive(response)) {
                ctx.close();
            }
            if (c != null) {
                c.done(status, end, detail);
            }
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx) {
            if (pending != null) {
                fail(ctx.channel(), "connection closed by server");
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            fail(ctx.channel(), "connection error: " + cause.getMessage());
        }
    }
}
