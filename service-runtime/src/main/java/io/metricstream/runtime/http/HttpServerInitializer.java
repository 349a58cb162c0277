package io.metricstream.runtime.http;

import io.metricstream.runtime.logging.DistinctErrorLog;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import java.util.Locale;

/**
 * The HTTP pipeline: [TLS] → {@link HttpServerCodec} → [gzip/deflate decompressor] → body-limit aggregator →
 * dispatcher. The aggregator sits after the decompressor, so {@link BodyLimits#maxBodyBytes()} bounds the
 * decompressed body; the decompressor's own buffer is capped at the same bound.
 */
public final class HttpServerInitializer extends ChannelInitializer<Channel> {
    private final Router router;
    private final BodyLimits limits;
    private final SslContext ssl;
    private final RequestTracker tracker;
    private final DistinctErrorLog errors;

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
        if (ssl != null) {
            p.addLast("tls", ssl.newHandler(ch.alloc()));
        }
        p.addLast("codec", new HttpServerCodec());
        if (limits.decompression()) {
            p.addLast("decompressor", new GzipDeflateDecompressor(Math.max(1, limits.maxBodyBytes())));
        }
        p.addLast("aggregator", new BodyLimitAggregator(limits.maxBodyBytes()));
        p.addLast("dispatcher", new HttpDispatchHandler(router, tracker, errors));
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
            final String encoding = contentEncoding.trim().toLowerCase(Locale.ROOT);
            if (encoding.equals("gzip") || encoding.equals("x-gzip") || encoding.equals("deflate")
                || encoding.equals("x-deflate")) {
                return super.newContentDecoder(contentEncoding);
            }
            return null;
        }
    }
}
