package io.metricstream.contracts.wire;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * A bounded, exception-free reader for the cold-path fields of a frame body. Every read is checked
 * against the end of the window it wraps; the first failure is remembered, later reads return zero
 * values, and {@link #ok()} is checked once at the end. A forged length can therefore never read past
 * the frame or drive an allocation larger than the frame itself.
 *
 * <p>Strings are {@code string16}: uint16 byte length, then UTF-8. Byte blobs are {@code bytes32}: int32
 * length, then bytes. Not thread-safe; reuse one instance per handler with {@link #wrap}.
 */
public final class WireReader {
    private ByteBuf buf;
    private int position;
    private int end;
    private String problem;
    private int lastLength;

    /** Wraps {@code length} bytes of {@code buf} from absolute index {@code at}. */
    public WireReader wrap(final ByteBuf buf, final int at, final int length) {
        this.buf = buf;
        this.position = at;
        this.end = at + length;
        this.problem = null;
        return this;
    }

    /** True while no read has failed. */
    public boolean ok() {
        return problem == null;
    }

    /** Why the first failing read failed, or {@code null}. */
    public String problem() {
        return problem;
    }

    /** Absolute index of the next byte to read. */
    public int position() {
        return position;
    }

    /** Bytes left in the window. */
    public int remaining() {
        return end - position;
    }

    private boolean need(final int bytes, final String what) {
        if (problem != null) {
            return false;
        }
        if (bytes < 0 || end - position < bytes) {
            problem = "truncated " + what + ": need " + bytes + " bytes, have " + (end - position);
            return false;
        }
        return true;
    }

    /** Reads an int8. */
    public byte int8(final String what) {
        if (!need(1, what)) {
            return 0;
        }
        return buf.getByte(position++);
    }

    /** Reads a big-endian int16. */
    public short int16(final String what) {
        if (!need(2, what)) {
            return 0;
        }
        final short v = buf.getShort(position);
        position += 2;
        return v;
    }

    /** Reads a big-endian int32. */
    public int int32(final String what) {
        if (!need(4, what)) {
            return 0;
        }
        final int v = buf.getInt(position);
        position += 4;
        return v;
    }

    /** Reads a big-endian int64. */
    public long int64(final String what) {
        if (!need(8, what)) {
            return 0L;
        }
        final long v = buf.getLong(position);
        position += 8;
        return v;
    }

    /** Reads a {@code string16}; fails when the length exceeds the window. */
    public String string16(final String what) {
        if (!need(2, what)) {
            return "";
        }
        final int length = buf.getUnsignedShort(position);
        position += 2;
        if (!need(length, what)) {
            return "";
        }
        final String s = buf.toString(position, length, StandardCharsets.UTF_8);
        position += length;
        return s;
    }

    /**
     * Reads the int32 length of a {@code bytes32} blob and skips over it, returning its absolute start index
     * (the length is then {@link #lastLength()}), or -1 when it does not fit in the window.
     */
    public int bytes32(final String what) {
        if (!need(4, what)) {
            return -1;
        }
        final int length = buf.getInt(position);
        position += 4;
        if (!need(length, what)) {
            return -1;
        }
        final int start = position;
        position += length;
        lastLength = length;
        return start;
    }

    /** Length of the blob returned by the last {@link #bytes32} call. */
    public int lastLength() {
        return lastLength;
    }

    /** Fails the reader with {@code reason} (for semantic checks by the caller). */
    public void fail(final String reason) {
        if (problem == null) {
            problem = reason;
        }
    }

    /** Fails unless every byte of the window was consumed. */
    public boolean expectEnd(final String what) {
        if (problem == null && position != end) {
            problem = what + ": " + (end - position) + " unexpected trailing bytes";
        }
        return ok();
    }
}
