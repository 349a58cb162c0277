package io.metricstream.runtime.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.EventExecutor;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One request and its (single) response. The request side is read on the event loop; {@link #body()} stays valid
 * until a response is sent. A {@code respond…} method may be called from any thread, later than the handler's
 * return, exactly once; responses on a connection are written in request order (HTTP/1.1 pipelining).
 *
 * <p>Design note: an exchange is created per request, so it allocates lazily: response headers on first use, the
 * query string decoder only when an argument needs decoding ({@link RequestTarget}), and the response reuses the
 * response-header object instead of copying it.
 */
public final class HttpExchange {
    private static final AtomicIntegerFieldUpdater<HttpExchange> RESPONDED =
        AtomicIntegerFieldUpdater.newUpdater(HttpExchange.class, "responded");
    private static final AsciiString TEXT_UTF8 = AsciiString.cached("text/plain; charset=utf-8");

    private final HttpDispatchHandler dispatcher;
    private final EventExecutor executor;
    private final ByteBufAllocator alloc;
    private final SocketAddress remoteAddress;
    private final FullHttpRequest request;
    private final long sequence;
    private final String path;
    private final Map<String, String> pathParams;
    private volatile int responded;
    private HttpHeaders responseHeaders;
    private QueryStringDecoder query;
    private Map<String, List<String>> form;

    HttpExchange(HttpDispatchHandler dispatcher, EventExecutor executor, ByteBufAllocator alloc,
                 SocketAddress remoteAddress, FullHttpRequest request, long sequence, String path,
                 Map<String, String> pathParams) {
        this.dispatcher = dispatcher;
        this.executor = executor;
        this.alloc = alloc;
        this.remoteAddress = remoteAddress;
        this.request = request;
        this.sequence = sequence;
        this.path = path;
        this.pathParams = pathParams;
    }

    /** The peer's address ({@code null} when unknown, e.g. in embedded tests). */
    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** The request method. */
    public HttpMethod method() {
        return request.method();
    }

    /** The request URI, path and query as sent. */
    public String uri() {
        return request.uri();
    }

    /** The decoded request path, without the query string. */
    public String path() {
        return path;
    }

    /** The request headers. */
    public HttpHeaders headers() {
        return request.headers();
    }

    /** The request body (decompressed when the server decompresses); valid until a response is sent. */
    public ByteBuf body() {
        return request.content();
    }

    /** The allocator of the connection, for response bodies. */
    public ByteBufAllocator alloc() {
        return alloc;
    }

    /** Headers added to the response (set them before responding). */
    public HttpHeaders responseHeaders() {
        if (responseHeaders == null) {
            responseHeaders = new DefaultHttpHeaders();
        }
        return responseHeaders;
    }

    /** The first value of query parameter {@code name}, or null. */
    public String queryParam(String name) {
        if (query == null) {
            final String fast = RequestTarget.firstQueryParam(request.uri(), name);
            if (fast != RequestTarget.DECODE) {
                return fast;
            }
        }
        final List<String> v = query().parameters().get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    /** Every value of query parameter {@code name} (empty when absent). */
    public List<String> queryParams(String name) {
        return query().parameters().getOrDefault(name, List.of());
    }

    /**
     * The first value of {@code name} as Prometheus reads parameters: an {@code application/x-www-form-urlencoded}
     * POST body takes precedence over the URL query string (Go's {@code FormValue}). Null when absent.
     */
    public String formOrQueryParam(String name) {
        final List<String> v = formOrQueryParams(name);
        return v.isEmpty() ? null : v.getFirst();
    }

    /** Every value of {@code name}: form body values first, then query values (for repeated {@code match[]}). */
    public List<String> formOrQueryParams(String name) {
        final List<String> out = new ArrayList<>(form().getOrDefault(name, List.of()));
        out.addAll(queryParams(name));
        return out;
    }

    /** The decoded path parameter {@code name} ({@code "*"} for a prefix route's rest), or null. */
    public String pathParam(String name) {
        return pathParams.get(name);
    }

    /**
     * Sends a response with {@code body} (ownership passes to the exchange) as {@code contentType}.
     *
     * @throws IllegalStateException when a response was already sent (the body is released)
     */
    public void respond(HttpResponseStatus status, String contentType, ByteBuf body) {
        send(status, contentType, body);
    }

    private void send(HttpResponseStatus status, CharSequence contentType, ByteBuf body) {
        if (!RESPONDED.compareAndSet(this, 0, 1)) {
            body.release();
            throw new IllegalStateException("response already sent for " + request.method() + " " + uri());
        }
        final int length = body.readableBytes();
        final boolean bare = responseHeaders == null && contentType == null && length == 0
            && status.code() == HttpResponseStatus.NO_CONTENT.code();
        // the handler is done with the response headers once it responds: they become the response's own; a bare
        // 204 (every Influx and remote-write success) has none and goes out pre-encoded (ResponseBytes)
        final HttpHeaders headers = bare ? EmptyHttpHeaders.INSTANCE
            : responseHeaders != null ? responseHeaders : new DefaultHttpHeaders();
        if (contentType != null) {
            headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        if (length == 0) {
            // a 204 carries no Content-Length: the response encoder would strip it again
            if (status.code() != HttpResponseStatus.NO_CONTENT.code()) {
                headers.set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
            }
        } else {
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        }
        final FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body, headers,
            EmptyHttpHeaders.INSTANCE);
        if (executor.inEventLoop()) {
            dispatcher.complete(sequence, r, request);
        } else if (!ResponseHandoff.offer(executor, dispatcher, sequence, r, request)) {
            executor.execute(() -> dispatcher.complete(sequence, r, request));
        }
    }

    /**
     * Runs {@code completions}, which may respond to many exchanges from this thread (acknowledgements arriving
     * together): the responses for each other event loop are handed over in one task per loop when it returns,
     * in the order they were sent, rather than in one task each. Responses for this thread's own loop go out at
     * once as usual. Nests; any thread.
     */
    public static void respondBatched(Runnable completions) {
        ResponseHandoff.run(completions);
    }

    /** Sends {@code json} as {@code application/json}. */
    public void respondJson(HttpResponseStatus status, byte[] json) {
        send(status, HttpHeaderValues.APPLICATION_JSON, Unpooled.wrappedBuffer(json));
    }

    /** Sends {@code json} (ownership passes to the exchange) as {@code application/json}. */
    public void respondJson(HttpResponseStatus status, ByteBuf json) {
        send(status, HttpHeaderValues.APPLICATION_JSON, json);
    }

    /** Sends {@code text} as {@code text/plain; charset=utf-8}. */
    public void respondText(HttpResponseStatus status, String text) {
        send(status, TEXT_UTF8, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    /** Sends the project's error body; {@code field} may be null. See {@link HttpErrors}. */
    public void respondError(HttpResponseStatus status, String code, String message, String field) {
        respondJson(status, HttpErrors.body(alloc, code, message, field));
    }

    /** True once a response was sent. */
    public boolean responded() {
        return responded != 0;
    }

    private QueryStringDecoder query() {
        if (query == null) {
            query = new QueryStringDecoder(request.uri(), StandardCharsets.UTF_8);
        }
        return query;
    }

    private Map<String, List<String>> form() {
        if (form == null) {
            final String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
            if (request.method().equals(HttpMethod.POST) && type.toLowerCase(Locale.ROOT)
                .startsWith(HttpHeaderValues.APPLICATION_X_WWW_FORM_URLENCODED.toString())) {
                form = new QueryStringDecoder(request.content().toString(StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8, false).parameters();
            } else {
                form = Map.of();
            }
        }
        return form;
    }
}
