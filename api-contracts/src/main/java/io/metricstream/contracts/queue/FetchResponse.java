package io.metricstream.contracts.queue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;

/**
 * A decoded FETCH answer (layout in {@link FetchRequest}). Owns one reference to the buffer it was built over:
 * close it when done; {@link #records()} is valid until then.
 *
 * <p>Design note: {@link #records()} is an unpooled buffer over the answer's bytes (direct over direct memory), not
 * the transport's buffer itself, so every consumer's record walk sees one buffer class. The transport's buffer is a
 * slice of a frame whose class varied with the allocator and with Netty's leak detector, which wraps a sampled
 * buffer and every slice of it: the first wrapped answer after a warm-up deoptimised the record walk, CRC and head
 * appends compiled for one class. Two or three small objects per answer, none per record.
 */
public final class FetchResponse implements AutoCloseable {
    // an empty answer is the same class as a full one (a shared EMPTY_BUFFER would be a second class)
    private static final ByteBuffer ONE_DIRECT_BYTE = ByteBuffer.allocateDirect(1);

    private final long highWatermark;
    private final long logStartOffset;
    private final ByteBuf owned;
    private final ByteBuf records;

    /**
     * An answer over the readable bytes of {@code records}, taking over one reference to it.
     *
     * @param highWatermark offset after the last readable record
     * @param logStartOffset first retained offset
     * @param records complete record batches (a retained slice of the frame)
     */
    public FetchResponse(final long highWatermark, final long logStartOffset, final ByteBuf records) {
        this.highWatermark = highWatermark;
        this.logStartOffset = logStartOffset;
        this.owned = records;
        this.records = view(records);
    }

    /** Offset after the last readable record. */
    public long highWatermark() {
        return highWatermark;
    }

    /** First retained offset. */
    public long logStartOffset() {
        return logStartOffset;
    }

    /**
     * Complete record batches from index 0: an unpooled buffer over the answer's bytes, valid until {@link #close()};
     * do not release it.
     */
    public ByteBuf records() {
        return records;
    }

    /** The readable bytes of {@code buf} as an unpooled buffer of one class per memory kind, indices from 0. */
    static ByteBuf view(final ByteBuf buf) {
        if (!buf.isReadable()) {
            return buf.isDirect() ? Unpooled.wrappedBuffer(ONE_DIRECT_BYTE.duplicate()).writerIndex(0)
                : Unpooled.wrappedBuffer(new byte[1]).writerIndex(0);
        }
        // one component: a view of the same memory; a composite (no transport hands one over) is merged into a copy
        return Unpooled.wrappedBuffer(buf.nioBuffer(buf.readerIndex(), buf.readableBytes()));
    }

    /** Writes the fixed part of a fetch answer body; the caller then writes {@code recordsLength} bytes. */
    public static void encodeHeader(final ByteBuf out, final long highWatermark, final long logStartOffset,
                                    final int recordsLength) {
        out.writeLong(highWatermark);
        out.writeLong(logStartOffset);
        out.writeInt(recordsLength);
    }

    /** Bytes of the fixed part of the body. */
    public static final int HEADER_LENGTH = 8 + 8 + 4;

    /** Releases the buffer the answer was built over. */
    @Override
    public void close() {
        owned.release();
    }

    @Override
    public String toString() {
        return "FetchResponse[highWatermark=" + highWatermark + ", logStartOffset=" + logStartOffset + ", records="
            + records.readableBytes() + " bytes]";
    }
}
