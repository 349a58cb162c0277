package io.metricstream.contracts.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/** Writers for the composite wire types ({@code string16}, {@code bytes32}) over a {@link ByteBuf}. */
public final class WireWriter {
    /** Largest byte length a {@code string16} can carry. */
    public static final int MAX_STRING16_BYTES = 0xFFFF;

    private WireWriter() {
    }

    /** Writes {@code s} as uint16 UTF-8 length + bytes; strings over 65,535 UTF-8 bytes are a programming error. */
    public static void string16(final ByteBuf out, final CharSequence s) {
        final int lengthAt = out.writerIndex();
        out.writeShort(0);
        final int written = ByteBufUtil.writeUtf8(out, s);
        if (written > MAX_STRING16_BYTES) {
            out.writerIndex(lengthAt);
            throw new IllegalArgumentException("string16 too long: got " + written + " bytes; want <= 65535");
        }
        out.setShort(lengthAt, written);
    }
}
