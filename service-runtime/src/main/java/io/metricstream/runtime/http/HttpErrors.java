package io.metricstream.runtime.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one error body of the project: {@code {"error":{"code":"…","message":"…","field":"…"}}}, with
 * {@code field} omitted when null. Codes are lower snake_case ({@code not_found}, {@code body_too_large}).
 */
public final class HttpErrors {
    private static final JsonFactory JSON = new JsonFactory();

    private HttpErrors() {
    }

    /** Writes the error body into a new buffer from {@code alloc}. */
    public static ByteBuf body(ByteBufAllocator alloc, String code, String message, String field) {
        final ByteBuf buf = alloc.buffer(64 + message.length());
        try (JsonGenerator g = JSON.createGenerator((java.io.OutputStream) new ByteBufOutputStream(buf))) {
            g.writeStartObject();
            g.writeObjectFieldStart("error");
            g.writeStringField("code", code);
            g.writeStringField("message", message);
            if (field != null) {
                g.writeStringField("field", field);
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            buf.release();
            throw new UncheckedIOException(e);
        }
        return buf;
    }

    /** A complete JSON error response with Content-Length set. */
    public static FullHttpResponse response(ByteBufAllocator alloc, HttpResponseStatus status, String code,
                                            String message, String field) {
        final FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
            body(alloc, code, message, field));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        return r;
    }
}
