package io.metricstream.runtime.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The aggregator's fast path for the common request: a {@code Content-Length} body within
 * {@link BodyLimits#maxBodyBytes()} (or no length: no body), no {@code Transfer-Encoding}, no {@code Expect}. A
 * body that arrives in one piece becomes the request's content as is (no copy, no composite buffer); a body in
 * several pieces is copied into one pooled buffer of exactly {@code Content-Length} bytes, and the request goes
 * straight to the dispatcher (fired from the {@link BodyLimitAggregator}'s context, so it skips the decompressor,
 * which would pass it through unchanged, and that aggregator). Every other message (gzip/deflate or chunked bodies,
 * oversized or bad lengths, 100-continue, decoder failures) passes untouched to the decompressor and the
 * {@link BodyLimitAggregator}, which keep inflation bounds, 413 and 100-continue handling.
 *
 * <p>Design note: profiles of one-sample requests put {@code HttpObjectAggregator}'s composite buffer, its
 * wrapper message and its per-message header checks in the decode cost; this handler replaces them with one
 * {@link DefaultFullHttpRequest} over the decoder's own headers. Not thread-safe; one per channel.
 */
final class ContentLengthAggregator extends ChannelInboundHandlerAdapter {
    private final int maxBodyBytes;
    private final boolean decompression;
    // the body-limit aggregator's context: a fast request skips the decompressor and that aggregator
    private ChannelHandlerContext dispatch;
    // event-loop confined: the request being aggregated here (null when none), its body so far, its length
    private HttpRequest head;
    private ByteBuf body;
    private int length;
    // true while the current message is left to the aggregator behind (its contents pass through)
    private boolean passing;

    ContentLengthAggregator(int maxBodyBytes, boolean decompression) {
        this.maxBodyBytes = maxBodyBytes;
        this.decompression = decompression;
    }

    /**
     * The context fast requests are fired from: the body-limit aggregator's when there is one. Looked up on first
     * use, not in {@code handlerAdded}: the initializer adds that aggregator after this handler, so the lookup there
     * found nothing and every fast request went through the decompressor and the aggregator after all.
     */
    private ChannelHandlerContext dispatch(ChannelHandlerContext ctx) {
        if (dispatch == null) {
            final ChannelHandlerContext behind = ctx.pipeline().context(BodyLimitAggregator.class);
            dispatch = behind != null ? behind : ctx;
        }
        return dispatch;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request && !(msg instanceof HttpContent)) {
            start(ctx, request);
        } else if (head != null && msg instanceof HttpContent content) {
            append(ctx, content);
        } else {
            if (passing && msg instanceof LastHttpContent) {
                passing = false;
            }
            ctx.fireChannelRead(msg);
        }
    }

    private void start(ChannelHandlerContext ctx, HttpRequest request) {
        final int declared = fastLength(request);
        if (declared < 0) {
            passing = true;
            ctx.fireChannelRead(request);
            return;
        }
        releaseBody();
        passing = false;
        head = request;
        length = declared;
        body = null;
    }

    /** The body length when the request qualifies for the fast path, else -1. */
    private int fastLength(HttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            return -1;
        }
        final HttpHeaders headers = request.headers();
        if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING) || headers.contains(HttpHeaderNames.EXPECT)) {
            return -1;
        }
        final String encoding = headers.get(HttpHeaderNames.CONTENT_ENCODING);
        if (encoding != null && decompression && HttpServerInitializer.GzipDeflateDecompressor.inflates(encoding)) {
            return -1;
        }
        final String value = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (value == null) {
            // a request without Content-Length and Transfer-Encoding has no body (RFC 9112 6.3); the decoder
            // sends an empty last content; the aggregator used to state the length, so this does too
            headers.set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
            return 0;
        }
        if (value.isEmpty() || value.length() > 10) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n <= maxBodyBytes ? (int) n : -1;
    }

    private void append(ChannelHandlerContext ctx, HttpContent content) {
        final ByteBuf chunk = content.content();
        final boolean last = content instanceof LastHttpContent;
        if (!content.decoderResult().isSuccess()) {
            fail(ctx, content);
            return;
        }
        if (body == null && last && chunk.readableBytes() == length) {
            // the whole body in one piece: it becomes the request's content (ownership moves with it)
            emit(ctx, length == 0 ? releaseAndEmpty(chunk) : chunk, ((LastHttpContent) content).trailingHeaders());
            return;
        }
        if (body == null) {
            body = ctx.alloc().buffer(length, length);
        }
        if (chunk.readableBytes() > body.writableBytes()) {
            // more bytes than Content-Length: the decoder never does this; refuse rather than grow
            content.release();
            failWith(ctx, new IllegalStateException("body longer than Content-Length=" + length));
            return;
        }
        body.writeBytes(chunk);
        content.release();
        if (last) {
            final ByteBuf whole = body;
            body = null;
            emit(ctx, whole, ((LastHttpContent) content).trailingHeaders());
        }
    }

    private static ByteBuf releaseAndEmpty(ByteBuf chunk) {
        chunk.release();
        return Unpooled.EMPTY_BUFFER;
    }

    private void emit(ChannelHandlerContext ctx, ByteBuf content, HttpHeaders trailers) {
        final HttpRequest h = head;
        head = null;
        final FullHttpRequest full = new DefaultFullHttpRequest(h.protocolVersion(), h.method(), h.uri(), content,
            h.headers(), trailers);
        dispatch(ctx).fireChannelRead(full);
    }

    private void fail(ChannelHandlerContext ctx, HttpContent content) {
        final Throwable cause = content.decoderResult().cause();
        content.release();
        failWith(ctx, cause);
    }

    /** Hands the request on with a failed decoder result: the dispatcher answers 400 and closes. */
    private void failWith(ChannelHandlerContext ctx, Throwable cause) {
        if (body != null) {
            body.release();
            body = null;
        }
        final HttpRequest h = head;
        head = null;
        final FullHttpMessage full = new DefaultFullHttpRequest(h.protocolVersion(), h.method(), h.uri(),
            Unpooled.EMPTY_BUFFER, h.headers(), EmptyHttpHeaders.INSTANCE);
        full.setDecoderResult(DecoderResult.failure(cause));
        dispatch(ctx).fireChannelRead(full);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseBody();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseBody();
    }

    private void releaseBody() {
        if (body != null) {
            body.release();
            body = null;
        }
        head = null;
    }
}
