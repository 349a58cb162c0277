package io.metricstream.runtime.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;

/** An aggregator that reports an oversized body as an {@link OversizedRequest} instead of writing a text 413. */
final class BodyLimitAggregator extends HttpObjectAggregator {
    private final int maxBodyBytes;

    BodyLimitAggregator(int maxBodyBytes) {
        super(maxBodyBytes);
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        if (oversized instanceof HttpRequest r) {
            ctx.fireChannelRead(new OversizedRequest(r.method().name(), r.uri(), maxBodyBytes));
        } else {
            ctx.close();
        }
    }
}
