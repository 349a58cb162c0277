package io.metricstream.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.testsupport.Seeds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ResponseBytesTest {
    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
    private static final int[] STATUSES = {200, 201, 204, 205, 304, 400, 401, 404, 405, 413, 415, 429, 500, 503};
    private static final String[] NAMES = {"content-type", "content-length", "transfer-encoding", "connection",
        "retry-after", "allow", "www-authenticate", "x-custom"};

    private static FullHttpResponse response(int status, HttpHeaders headers, byte[] body) {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
            Unpooled.wrappedBuffer(body), headers, EmptyHttpHeaders.INSTANCE);
    }

    private static String encode(FullHttpResponse r, boolean head, boolean close) {
        final ByteBuf b = ResponseBytes.encode(ALLOC, r, head, close);
        try {
            return b.toString(StandardCharsets.ISO_8859_1);
        } finally {
            b.release();
        }
    }

    /** What the pipeline wrote before: Netty's server codec, with {@code Connection: close} set on the response. */
    private static String nettyEncode(FullHttpResponse r, String method, boolean close) {
        final EmbeddedChannel ch = new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(1 << 20));
        try {
            ch.writeInbound(Unpooled.copiedBuffer(method + " / HTTP/1.1\r\nHost: x\r\n\r\n",
                StandardCharsets.US_ASCII));
            ((FullHttpRequest) ch.readInbound()).release();
            if (close) {
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            ch.writeOutbound(r);
            final StringBuilder sb = new StringBuilder();
            ByteBuf b;
            while ((b = ch.readOutbound()) != null) {
                sb.append(b.toString(StandardCharsets.ISO_8859_1));
                b.release();
            }
            return sb.toString();
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void shouldEncodeLikeNettysServerCodecWhenResponsesAreRandom() {
        final long seed = Seeds.seed();
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 500; i++) {
            final int status = STATUSES[random.nextInt(STATUSES.length)];
            final String method = random.nextInt(4) == 0 ? "HEAD" : random.nextBoolean() ? "GET" : "POST";
            final boolean close = random.nextInt(5) == 0;
            final int bodyBytes = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1, 100);
                case 2 -> ResponseBytes.COPY_BODY_BYTES + random.nextInt(-1, 2);
                default -> random.nextInt(ResponseBytes.COPY_BODY_BYTES, 3 * ResponseBytes.COPY_BODY_BYTES);
            };
            final byte[] body = new byte[bodyBytes];
            for (int j = 0; j < bodyBytes; j++) {
                body[j] = (byte) random.nextInt(32, 127);
            }
            final HttpHeaders ours = new DefaultHttpHeaders();
            for (int h = random.nextInt(5); h > 0; h--) {
                ours.add(NAMES[random.nextInt(NAMES.length)], "v" + random.nextInt(1000));
            }
            final HttpHeaders theirs = ours.copy();
            final String want = nettyEncode(response(status, theirs, body), method, close);
            final String got = encode(response(status, ours, body), method.equals("HEAD"), close);
            assertEquals(want, got, "seed=" + seed + " case=" + i + " status=" + status + " method=" + method
                + " close=" + close + " body=" + bodyBytes);
        }
    }

    @Test
    void shouldShareOnePreEncodedBufferWhenResponseIsBare204() {
        final ByteBuf a = ResponseBytes.encode(ALLOC, response(204, EmptyHttpHeaders.INSTANCE, new byte[0]), false,
            false);
        final ByteBuf b = ResponseBytes.encode(ALLOC, response(204, EmptyHttpHeaders.INSTANCE, new byte[0]), false,
            false);
        assertNotSame(a, b, "each write needs its own indexes");
        assertEquals("HTTP/1.1 204 No Content\r\n\r\n", a.toString(StandardCharsets.US_ASCII));
        a.skipBytes(a.readableBytes());
        assertEquals("HTTP/1.1 204 No Content\r\n\r\n", b.toString(StandardCharsets.US_ASCII),
            "consuming one duplicate leaves the others whole");
        a.release();
        b.release();
        assertEquals("HTTP/1.1 204 No Content\r\n\r\n", encode(response(204, EmptyHttpHeaders.INSTANCE,
            new byte[0]), false, false), "a released duplicate leaves the shared bytes intact");
    }

    @Test
    void shouldSayCloseAndDropBodyWhen204ClosesOrAnswersHead() {
        assertEquals("HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n",
            encode(response(204, EmptyHttpHeaders.INSTANCE, new byte[0]), false, true));
        final HttpHeaders h = new DefaultHttpHeaders().set(HttpHeaderNames.CONTENT_LENGTH, 5);
        assertEquals("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n",
            encode(response(200, h, "hello".getBytes(StandardCharsets.US_ASCII)), true, false));
    }

    @Test
    void shouldNotCopyBodyWhenLargerThanCopyLimit() {
        final byte[] body = new byte[ResponseBytes.COPY_BODY_BYTES + 1];
        final ByteBuf content = Unpooled.wrappedBuffer(body);
        final FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, content,
            new DefaultHttpHeaders().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length), EmptyHttpHeaders.INSTANCE);
        final ByteBuf out = ResponseBytes.encode(ALLOC, r, false, false);
        try {
            assertEquals(1, content.refCnt(), "the body is kept (not copied) until the write releases it");
            assertTrue(ByteBufUtil.indexOf(Unpooled.wrappedBuffer("\r\n\r\n".getBytes(StandardCharsets.US_ASCII)),
                out) > 0);
            assertEquals(body.length, out.readableBytes() - (ByteBufUtil.indexOf(Unpooled.wrappedBuffer(
                "\r\n\r\n".getBytes(StandardCharsets.US_ASCII)), out) + 4 - out.readerIndex()));
        } finally {
            out.release();
        }
        assertEquals(0, content.refCnt());
    }
}
