package io.metricstream.runtime.http;

import io.metricstream.runtime.logging.DistinctErrorLog;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * Routes aggregated requests and writes responses in request order. Each request takes a sequence number; a
 * response that completes before an earlier one is held in {@link #held} until every earlier response is written.
 * Not thread-safe: every method runs on the channel's event loop ({@link HttpExchange} hops there).
 */
final class HttpDispatchHandler extends ChannelInboundHandlerAdapter {
    private final Router router;
    private final RequestTracker tracker;
    private final DistinctErrorLog errors;
    // event-loop confined
    private final Map<Long, Held> held = new HashMap<>();
    private ChannelHandlerContext ctx;
    private long nextSequence;
    private long nextToWrite;
    private boolean closing;

    private record Held(FullHttpResponse response, boolean close) {
    }

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
        final Router.Match match = router.match(request.method(), new QueryStringDecoder(request.uri()).path());
        final HttpExchange exchange = new HttpExchange(this, context.executor(), context.alloc(),
            context.channel().remoteAddress(), request, seq, match.pathParams());
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
        final boolean close = forceClose || request == null || !HttpUtil.isKeepAlive(request) || tracker.draining();
        if (request != null) {
            request.release();
        }
        tracker.end();
        if (closing || !ctx.channel().isActive()) {
            response.release();
            return;
        }
        held.put(seq, new Held(response, close));
        boolean wrote = false;
        Held next;
        while (!closing && (next = held.remove(nextToWrite)) != null) {
            nextToWrite++;
            wrote = true;
            if (next.close()) {
                next.response().headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                closing = true;
                ctx.writeAndFlush(next.response()).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.write(next.response());
            }
        }
        if (wrote && !closing) {
            ctx.flush();
        }
    }

    void complete(long seq, FullHttpResponse response, FullHttpRequest request) {
        complete(seq, response, request, false);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        for (Held h : held.values()) {
            h.response().release();
        }
        held.clear();
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
