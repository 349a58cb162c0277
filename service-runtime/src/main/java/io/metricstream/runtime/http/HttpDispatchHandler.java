package io.metricstream.runtime.http;

import io.metricstream.runtime.logging.DistinctErrorLog;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.Arrays;
import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * Routes aggregated requests and writes responses in request order. Each request takes a sequence number; a
 * response is encoded to its wire bytes when it completes ({@link ResponseBytes}, which strips HEAD bodies, so the
 * pipeline's encoder passes them through), and one that completes before an earlier one is held in a ring indexed
 * by sequence ({@link #heldResponses}, slot {@code seq & mask}, grown by doubling when a client pipelines further
 * ahead) until every earlier response is written. The response that is next in order (the usual case) is written
 * without touching the ring.
 * Not thread-safe: every method runs on the channel's event loop ({@link HttpExchange} hops there).
 */
final class HttpDispatchHandler extends ChannelInboundHandlerAdapter {
    private final Router router;
    private final RequestTracker tracker;
    private final DistinctErrorLog errors;
    // event-loop confined
    private ByteBuf[] heldResponses = new ByteBuf[INITIAL_HELD];
    private boolean[] heldClose = new boolean[INITIAL_HELD];
    private int heldCount;
    private ChannelHandlerContext ctx;
    private long nextSequence;
    private long nextToWrite;
    private boolean closing;

    private static final int INITIAL_HELD = 8;

    HttpDispatchHandler(Router router, RequestTracker tracker, DistinctErrorLog errors) {
        this.router = router;
        this.tracker = tracker;
        this.errors = errors;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) throws Exception {
        tracker.connections().add(context.channel());
        super.channelActive(context);
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (msg instanceof OversizedRequest o) {
            final long seq = nextSequence++;
            tracker.begin();
            complete(seq, HttpErrors.response(context.alloc(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "body_too_large", "request body exceeds maxBodyBytes=" + o.limit(), null), null, true);
        } else if (msg instanceof FullHttpRequest request) {
            dispatch(context, request);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void dispatch(ChannelHandlerContext context, FullHttpRequest request) {
        final long seq = nextSequence++;
        tracker.begin();
        final DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            final boolean tooLarge = decoded.cause() instanceof DecompressionException;
            complete(seq, HttpErrors.response(context.alloc(), tooLarge ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST, tooLarge ? "body_too_large" : "bad_request",
                "cannot decode request: " + decoded.cause().getMessage(), null), request, true);
            return;
        }
        final String path = RequestTarget.path(request.uri());
        final Router.Match match = router.match(request.method(), path);
        final HttpExchange exchange = new HttpExchange(this, context.executor(), context.alloc(),
            context.channel().remoteAddress(), request, seq, path, match.pathParams());
        if (!match.found()) {
            if (match.allowedMethods().isEmpty()) {
                exchange.respondError(HttpResponseStatus.NOT_FOUND, "not_found", "no route for "
                    + request.method() + " " + exchange.path(), null);
            } else {
                final String allow = match.allowedMethods().stream().map(HttpMethod::name)
                    .collect(Collectors.joining(", "));
                exchange.responseHeaders().set(HttpHeaderNames.ALLOW, allow);
                exchange.respondError(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                    "method " + request.method() + " not allowed for " + exchange.path() + "; want " + allow, null);
            }
            return;
        }
        try {
            match.route().handler().handle(exchange);
        } catch (Throwable t) {
            errors.error(DistinctErrorLog.keyOf(t), "handler failed: " + request.method() + " "
                + match.route().pattern(), t);
            if (!exchange.responded()) {
                exchange.respondError(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal",
                    "internal error handling " + match.route().pattern(), null);
            }
        }
    }

    /** Called on the event loop when response {@code seq} is ready; writes every response now in order. */
    void complete(long seq, FullHttpResponse response, FullHttpRequest request, boolean forceClose) {
        final boolean close = forceClose || request == null || !keepAlive(request) || tracker.draining();
        final boolean head = request != null && HttpMethod.HEAD.equals(request.method());
        if (request != null) {
            request.release();
        }
        tracker.end();
        if (closing || !ctx.channel().isActive()) {
            response.release();
            return;
        }
        final ByteBuf bytes = ResponseBytes.encode(ctx.alloc(), response, head, close);
        if (seq != nextToWrite) {
            hold(seq, bytes, close);
            return;
        }
        write(bytes, close);
        while (!closing && heldCount > 0) {
            final int slot = (int) (nextToWrite & (heldResponses.length - 1));
            final ByteBuf next = heldResponses[slot];
            if (next == null) {
                break;
            }
            heldResponses[slot] = null;
            heldCount--;
            write(next, heldClose[slot]);
        }
        if (!closing) {
            ctx.flush();
        }
    }

    /**
     * HTTP/1.1 keeps the connection unless {@code Connection} says close, HTTP/1.0 only when it says keep-alive.
     * Most requests carry no {@code Connection} header: one lookup decides, without {@link HttpUtil#isKeepAlive}'s
     * token scans.
     */
    static boolean keepAlive(HttpRequest request) {
        if (!request.headers().contains(HttpHeaderNames.CONNECTION)) {
            return request.protocolVersion().isKeepAliveDefault();
        }
        return HttpUtil.isKeepAlive(request);
    }

    private void write(ByteBuf response, boolean close) {
        nextToWrite++;
        if (close) {
            closing = true;
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.write(response);
        }
    }

    private void hold(long seq, ByteBuf response, boolean close) {
        while (seq - nextToWrite >= heldResponses.length) {
            grow();
        }
        final int slot = (int) (seq & (heldResponses.length - 1));
        heldResponses[slot] = response;
        heldClose[slot] = close;
        heldCount++;
    }

    /** Doubles the ring; a held sequence keeps its distance from {@link #nextToWrite}. */
    private void grow() {
        final ByteBuf[] oldResponses = heldResponses;
        final boolean[] oldClose = heldClose;
        final int oldMask = oldResponses.length - 1;
        heldResponses = new ByteBuf[oldResponses.length * 2];
        heldClose = new boolean[oldResponses.length * 2];
        final int mask = heldResponses.length - 1;
        for (long seq = nextToWrite; seq < nextToWrite + oldResponses.length; seq++) {
            final int from = (int) (seq & oldMask);
            heldResponses[(int) (seq & mask)] = oldResponses[from];
            heldClose[(int) (seq & mask)] = oldClose[from];
        }
    }

    void complete(long seq, FullHttpResponse response, FullHttpRequest request) {
        complete(seq, response, request, false);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        for (int i = 0; i < heldResponses.length; i++) {
            if (heldResponses[i] != null) {
                heldResponses[i].release();
            }
        }
        Arrays.fill(heldResponses, null);
        heldCount = 0;
        super.channelInactive(context);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        if (cause instanceof DecompressionException && !closing) {
            final long seq = nextSequence++;
            tracker.begin();
            complete(seq, HttpErrors.response(context.alloc(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "body_too_large", "cannot decompress request body: " + cause.getMessage(), null), null, true);
            return;
        }
        if (!(cause instanceof IOException)) {
            errors.error(DistinctErrorLog.keyOf(cause), "http connection failed: " + describe(context), cause);
        }
        context.close();
    }

    private static String describe(ChannelHandlerContext context) {
        final StringJoiner j = new StringJoiner(" ");
        j.add("remote=" + context.channel().remoteAddress());
        return j.toString();
    }
}
