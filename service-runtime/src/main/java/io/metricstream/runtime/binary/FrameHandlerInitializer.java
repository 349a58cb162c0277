package io.metricstream.runtime.binary;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.util.function.Supplier;

/**
 * The binary pipeline: a {@link LengthFieldBasedFrameDecoder} for frames prefixed by an int32 big-endian length
 * (bytes AFTER the length field), then one handler per channel from the supplier. The handler receives each WHOLE
 * frame as a {@link io.netty.buffer.ByteBuf} including its 4-byte length prefix, and must release it. A length over
 * {@code maxFrameBytes} (prefix included) fails the channel with a {@code TooLongFrameException}.
 */
public final class FrameHandlerInitializer extends ChannelInitializer<Channel> {
    /** Bytes of the length prefix. */
    public static final int LENGTH_FIELD_BYTES = 4;

    private final Supplier<? extends ChannelHandler> perChannelHandler;
    private final int maxFrameBytes;

    /** An initializer creating {@code perChannelHandler.get()} for each connection. */
    public FrameHandlerInitializer(Supplier<? extends ChannelHandler> perChannelHandler, int maxFrameBytes) {
        this.perChannelHandler = perChannelHandler;
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline().addLast("frames", new LengthFieldBasedFrameDecoder(maxFrameBytes, 0, LENGTH_FIELD_BYTES, 0, 0));
        ch.pipeline().addLast("handler", perChannelHandler.get());
    }
}
