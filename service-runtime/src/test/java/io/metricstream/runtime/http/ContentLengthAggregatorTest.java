package io.metricstream.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ContentLengthAggregatorTest {
    /** Stands where the decompressor stands: counts what reaches it and passes it on. */
    private static final class Tripwire extends ChannelInboundHandlerAdapter {
        int seen;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            seen++;
            ctx.fireChannelRead(msg);
        }
    }

    private final Tripwire tripwire = new Tripwire();
    private final List<FullHttpRequest> dispatched = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(new HttpRequestDecoder(),
        new ContentLengthAggregator(1024, true), tripwire, new BodyLimitAggregator(1024),
        new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                dispatched.add((FullHttpRequest) msg);
            }
        });

    @AfterEach
    void release() {
        dispatched.forEach(FullHttpRequest::release);
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldSkipHandlersBeforeBodyLimitAggregatorWhenBodyHasContentLength() {
        channel.writeInbound(Unpooled.copiedBuffer("POST /w HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
            + "POST /w HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nde", StandardCharsets.US_ASCII));
        assertEquals(2, dispatched.size());
        assertEquals("abc", dispatched.get(0).content().toString(StandardCharsets.US_ASCII));
        assertEquals("de", dispatched.get(1).content().toString(StandardCharsets.US_ASCII));
        assertEquals(0, tripwire.seen, "a fast request must not pass the decompressor and the aggregator");
    }

    @Test
    void shouldPassGzipBodiesThroughDecompressorPath() throws IOException {
        final ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write("abc".getBytes(StandardCharsets.US_ASCII));
        }
        channel.writeInbound(Unpooled.wrappedBuffer(("POST /w HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\n"
            + "Content-Length: " + gz.size() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII), gz.toByteArray()));
        assertEquals(1, dispatched.size());
        assertTrue(tripwire.seen >= 2, "head and body go the slow way; seen=" + tripwire.seen);
    }
}
