package io.metricstream.contracts.queue;

import io.netty.buffer.ByteBuf;

/**
 * A decoded FETCH answer (layout in {@link FetchRequest}). Owns one reference to {@code records}: close it
 * (or release the buffer) when done.
 *
 * @param highWatermark offset after the last readable record
 * @param logStartOffset first retained offset
 * @param records complete record batches (a retained slice)
 */
public record FetchResponse(long highWatermark, long logStartOffset, ByteBuf records) implements AutoCloseable {

    /** Writes the fixed part of a fetch answer body; the caller then writes {@code recordsLength} bytes. */
    public static void encodeHeader(final ByteBuf out, final long highWatermark, final long logStartOffset,
                                    final int recordsLength) {
        out.writeLong(highWatermark);
        out.writeLong(logStartOffset);
        out.writeInt(recordsLength);
    }

    /** Bytes of the fixed part of the body. */
    public static final int HEADER_LENGTH = 8 + 8 + 4;

    /** Releases the records buffer. */
    @Override
    public void close() {
        records.release();
    }
}
