package io.metricstream.runtime.http;

import io.metricstream.runtime.logging.DistinctErrorLog;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import java.util.Locale;

/**
 * The HTTP pipeline: flush consolidation → [TLS] → request decoder, response encoder → Content-Length fast aggregator →
 * [gzip/deflate decompressor] → body-limit aggregator → dispatcher. The fast aggregator takes only bodies the
 * decompressor would pass through untouched and hands them straight to the dispatcher; gzip/deflate bodies go
 * through the decompressor and then the body-limit aggregator, so {@link BodyLimits#maxBodyBytes()} bounds the
 * decompressed body; the decompressor's own buffer is capped at the same bound. Flushes issued while a read
 * batch is being handled (pipelined requests answered at once) become one flush at the batch's end; a flush
 * outside a read (an asynchronous response) goes out at once.
 *
 * <p>Design note: the dispatcher encodes its responses itself ({@link ResponseBytes}: a shared pre-encoded buffer
 * for the bodiless 204, one buffer otherwise) and the encoder passes those bytes through; the encoder remains for
 * the responses the aggregator writes (100 Continue, 413). So this is a request decoder plus a response encoder
 * rather than {@code HttpServerCodec}, whose encoder must see every response (it pairs each with its request's
 * method to strip HEAD bodies; the dispatcher does that now). The decoder builds headers without Netty's name and
 * value validation: nothing here echoes request headers into a response, the few headers read are parsed strictly
 * (Content-Length digits only) or compared as strings, and the profile of loadgen/bench/tiny.sh put validation
 * in every request's decode.
 */
public final class HttpServerInitializer extends ChannelInitializer<Channel> {
    private final Router router;
    private final BodyLimits limits;
    private final SslContext ssl;
    private final RequestTracker tracker;
    private final DistinctErrorLog errors;

    private static final HttpDecoderConfig DECODER_CONFIG = new HttpDecoderConfig()
        .setHeadersFactory(DefaultHttpHeadersFactory.headersFactory().withValidation(false))
        .setTrailersFactory(DefaultHttpHeadersFactory.trailersFactory().withValidation(false));

    /** An initializer for {@code router} with {@code limits}; {@code ssl} may be null. */
    public HttpServerInitializer(Router router, BodyLimits limits, SslContext ssl, RequestTracker tracker,
                                 DistinctErrorLog errors) {
        this.router = router;
        this.limits = limits;
        this.ssl = ssl;
        this.tracker = tracker;
        this.errors = errors;
    }

    @Override
    protected void initChannel(Channel ch) {
        final ChannelPipeline p = ch.pipeline();
        p.addLast("flush", new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES,
            false));
        if (ssl != null) {
            p.addLast("tls", ssl.newHandler(ch.alloc()));
        }
        p.addLast("decoder", new HttpRequestDecoder(DECODER_CONFIG));
        p.addLast("encoder", new PassThroughResponseEncoder());
        p.addLast("fast-aggregator", new ContentLengthAggregator(limits.maxBodyBytes(), limits.decompression()));
        if (limits.decompression()) {
            p.addLast("decompressor", new GzipDeflateDecompressor(Math.max(1, limits.maxBodyBytes())));
        }
        p.addLast("aggregator", new BodyLimitAggregator(limits.maxBodyBytes()));
        p.addLast("dispatcher", new HttpDispatchHandler(router, tracker, errors));
    }

    /** Encodes {@code HttpObject}s; a {@link ByteBuf} is a response the dispatcher encoded already and passes on. */
    static final class PassThroughResponseEncoder extends HttpResponseEncoder {
        @Override
        public boolean acceptOutboundMessage(Object msg) throws Exception {
            return !(msg instanceof ByteBuf) && super.acceptOutboundMessage(msg);
        }
    }

    /**
     * Inflates gzip and deflate only. Any other encoding passes through untouched for the handler: Prometheus
     * remote write sends {@code Content-Encoding: snappy} with the snappy BLOCK format, which Netty's decoder
     * would misread as the framed format.
     */
    static final class GzipDeflateDecompressor extends HttpContentDecompressor {
        GzipDeflateDecompressor(int maxAllocation) {
            super(maxAllocation);
        }

        @Override
        protected EmbeddedChannel newContentDecoder(String contentEncoding) throws Exception {
            return inflates(contentEncoding) ? super.newContentDecoder(contentEncoding) : null;
        }

        /** True for the encodings this decompressor inflates. */
        static boolean inflates(String contentEncoding) {
            final String encoding = contentEncoding.trim().toLowerCase(Locale.ROOT);
            return encoding.equals("gzip") || encoding.equals("x-gzip") || encoding.equals("deflate")
                || encoding.equals("x-deflate");
        }
    }
}
