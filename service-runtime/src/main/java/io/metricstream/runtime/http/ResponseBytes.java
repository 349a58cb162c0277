package io.metricstream.runtime.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * Encodes a full response into the bytes that go on the wire, as Netty's server response encoder would: status
 * line, headers, blank line, body. A body is never sent for HEAD requests and 1xx/204/205/304 responses; 1xx and 204
 * drop {@code Content-Length} and {@code Transfer-Encoding}, 205 drops {@code Transfer-Encoding} and says
 * {@code Content-Length: 0} (RFC 9110 15.3.6, RFC 9112 6.1, 6.3). A closing response says {@code Connection: close}.
 *
 * <p>Design note: the bodiless keep-alive 204 (every Influx and remote-write success) is one pre-encoded read-only
 * buffer shared by every connection; each write takes a duplicate (an index pair over the same bytes), so it is
 * neither encoded nor copied per request. Other responses are encoded into one pooled buffer (headers and a small
 * body) or a header buffer plus the body (a large body is not copied). Stateless and thread-safe.
 */
final class ResponseBytes {
    /** Bodies up to this size are copied behind the headers (one buffer, one write); larger ones are not copied. */
    static final int COPY_BODY_BYTES = 4096;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] COLON_SPACE = {':', ' '};
    private static final AsciiString CLOSE_HEADER = AsciiString.cached("connection: close");
    private static final ByteBuf NO_CONTENT = Unpooled.unreleasableBuffer(Unpooled.directBuffer(32)
        .writeBytes("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII)).asReadOnly());

    private ResponseBytes() {
    }

    /**
     * The wire bytes of {@code response} (released here) for a request that was a HEAD when {@code head}, with
     * {@code Connection: close} when {@code close}. The caller owns the returned buffer.
     */
    static ByteBuf encode(ByteBufAllocator alloc, FullHttpResponse response, boolean head, boolean close) {
        try {
            final HttpResponseStatus status = response.status();
            final HttpHeaders headers = response.headers();
            final int code = status.code();
            if (code == HttpResponseStatus.NO_CONTENT.code() && !close && headers.isEmpty()
                && response.protocolVersion() == HttpVersion.HTTP_1_1) {
                return NO_CONTENT.duplicate();
            }
            final boolean noLength = status.codeClass() == HttpStatusClass.INFORMATIONAL
                || code == HttpResponseStatus.NO_CONTENT.code();
            final boolean resetContent = code == HttpResponseStatus.RESET_CONTENT.code();
            final boolean bodiless = head || noLength || resetContent || code == HttpResponseStatus.NOT_MODIFIED.code();
            final ByteBuf body = response.content();
            final int bodyBytes = bodiless ? 0 : body.readableBytes();
            final boolean copyBody = bodyBytes <= COPY_BODY_BYTES;
            final ByteBuf out = alloc.directBuffer(256 + (copyBody ? bodyBytes : 0));
            ByteBufUtil.writeAscii(out, response.protocolVersion().text());
            out.writeByte(' ');
            ByteBufUtil.writeAscii(out, status.codeAsText());
            out.writeByte(' ');
            ByteBufUtil.writeAscii(out, status.reasonPhrase());
            out.writeBytes(CRLF);
            final Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
            while (it.hasNext()) {
                final Map.Entry<CharSequence, CharSequence> h = it.next();
                final CharSequence name = h.getKey();
                if (close && isNamed(name, HttpHeaderNames.CONNECTION) || (noLength || resetContent)
                    && (isNamed(name, HttpHeaderNames.CONTENT_LENGTH)
                    || isNamed(name, HttpHeaderNames.TRANSFER_ENCODING))) {
                    continue;
                }
                ByteBufUtil.writeAscii(out, name);
                out.writeBytes(COLON_SPACE);
                ByteBufUtil.writeAscii(out, h.getValue());
                out.writeBytes(CRLF);
            }
            if (close) {
                ByteBufUtil.writeAscii(out, CLOSE_HEADER);
                out.writeBytes(CRLF);
            }
            if (resetContent) {
                ByteBufUtil.writeAscii(out, "content-length: 0");
                out.writeBytes(CRLF);
            }
            out.writeBytes(CRLF);
            if (bodyBytes == 0) {
                return out;
            }
            if (copyBody) {
                return out.writeBytes(body, body.readerIndex(), bodyBytes);
            }
            return alloc.compositeDirectBuffer(2).addComponents(true, out, body.retain());
        } finally {
            response.release();
        }
    }

    private static boolean isNamed(CharSequence name, AsciiString want) {
        return want.contentEqualsIgnoreCase(name);
    }
}
