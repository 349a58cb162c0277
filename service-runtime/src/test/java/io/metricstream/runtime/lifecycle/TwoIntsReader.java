package io.metricstream.runtime.lifecycle;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.concurrent.CompletableFuture;

/** A client handler that completes {@link #echoed} with the first two ints it reads, however the bytes are split. */
final class TwoIntsReader extends SimpleChannelInboundHandler<ByteBuf> {
    final CompletableFuture<long[]> echoed = new CompletableFuture<>();
    private final ByteBuf got = Unpooled.buffer();

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf part) {
        got.writeBytes(part);
        if (got.readableBytes() >= 8 && !echoed.isDone()) {
            echoed.complete(new long[] {got.readInt(), got.readInt()});
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        got.release();
    }
}
