package io.metricstream.contracts.record;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C (Castagnoli) over a range of a {@link ByteBuf}, using the JDK's intrinsic {@link CRC32C}.
 * Not thread-safe: keep one per thread or per handler.
 */
public final class Crc32c {
    private final CRC32C crc = new CRC32C();

    /** CRC32C of {@code length} bytes of {@code buf} from absolute index {@code at}, as an int. */
    public int compute(final ByteBuf buf, final int at, final int length) {
        crc.reset();
        if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + at, length);
        } else if (buf.nioBufferCount() == 1) {
            crc.update(buf.internalNioBuffer(at, length));
        } else {
            for (final ByteBuffer part : buf.nioBuffers(at, length)) {
                crc.update(part);
            }
        }
        return (int) crc.getValue();
    }
}
