package io.metricstream.ingestion.http;

import io.netty.buffer.ByteBuf;

/**
 * A request body as one contiguous byte array, for parsers that index bytes directly: the body's own array when
 * it has one, else a copy into this view's scratch array (grown once to the largest body seen, bounded by
 * {@code max_body_bytes}). Not thread-safe; one per event loop.
 */
final class BodyView {
    private byte[] scratch = new byte[64 * 1024];
    private byte[] array;
    private int offset;
    private int length;

    BodyView wrap(final ByteBuf body) {
        length = body.readableBytes();
        if (body.hasArray()) {
            array = body.array();
            offset = body.arrayOffset() + body.readerIndex();
        } else {
            if (scratch.length < length) {
                scratch = new byte[Math.max(length, scratch.length * 2)];
            }
            body.getBytes(body.readerIndex(), scratch, 0, length);
            array = scratch;
            offset = 0;
        }
        return this;
    }

    byte[] array() {
        return array;
    }

    int offset() {
        return offset;
    }

    int length() {
        return length;
    }

    /** Drops the reference to a request's own array. */
    void clear() {
        array = null;
    }
}
