package io.metricstream.runtime.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.EventExecutor;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request and its (single) response. The request side is read on the event loop; {@link #body()} stays valid
 * until a response is sent. A {@code respond…} method may be called from any thread, later than the handler's
 * return, exactly once; responses on a connection are written in request order (HTTP/1.1 pipelining).
 */
public final class HttpExchange {
    private final HttpDispatchHandler dispatcher;
    private final EventExecutor executor;
    private final ByteBufAllocator alloc;
    private final SocketAddress remoteAddress;
    private final FullHttpRequest request;
    private final long sequence;
    private final Map<String, String> pathParams;
    private final AtomicBoolean responded = new AtomicBoolean();
    private final HttpHeaders responseHeaders = new DefaultHttpHeaders();
    private QueryStringDecoder query;
    private Map<String, List<String>> form;

    HttpExchange(HttpDispatchHandler dispatcher, EventExecutor executor, ByteBufAllocator alloc,
                 SocketAddress remoteAddress, FullHttpRequest request, long sequence, Map<String, String> pathParams) {
        this.dispatcher = dispatcher;
        this.executor = executor;
        this.alloc = alloc;
        this.remoteAddress = remoteAddress;
        this.request = request;
        this.sequence = sequence;
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
        return query().path();
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
        return responseHeaders;
    }

    /** The first value of query parameter {@code name}, or null. */
    public String queryParam(String name) {
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
        if (!responded.compareAndSet(false, true)) {
            body.release();
            throw new IllegalStateException("response already sent for " + request.method() + " " + uri());
        }
        final FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        r.headers().set(responseHeaders);
        if (contentType != null) {
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        if (executor.inEventLoop()) {
            dispatcher.complete(sequence, r, request);
        } else {
            executor.execute(() -> dispatcher.complete(sequence, r, request));
        }
    }

    /** Sends {@code json} as {@code application/json}. */
    public void respondJson(HttpResponseStatus status, byte[] json) {
        respond(status, HttpHeaderValues.APPLICATION_JSON.toString(), Unpooled.wrappedBuffer(json));
    }

    /** Sends {@code json} (ownership passes to the exchange) as {@code application/json}. */
    public void respondJson(HttpResponseStatus status, ByteBuf json) {
        respond(status, HttpHeaderValues.APPLICATION_JSON.toString(), json);
    }

    /** Sends {@code text} as {@code text/plain; charset=utf-8}. */
    public void respondText(HttpResponseStatus status, String text) {
        respond(status, "text/plain; charset=utf-8", Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    /** Sends the project's error body; {@code field} may be null. See {@link HttpErrors}. */
    public void respondError(HttpResponseStatus status, String code, String message, String field) {
        respondJson(status, HttpErrors.body(alloc, code, message, field));
    }

    /** True once a response was sent. */
    public boolean responded() {
        return responded.get();
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
