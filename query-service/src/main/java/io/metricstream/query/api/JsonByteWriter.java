package io.metricstream.query.api;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.query.eval.PromFloats;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Writes JSON as UTF-8 bytes into a pooled {@link ByteBuf}: text goes into a per-thread scratch array (plain array
 * stores, no bounds or reference-count checks per byte, no chars) and is copied into the buffer a scratch at a
 * time. Values are formatted by {@link PromFloats#put} straight into the scratch. The output equals
 * {@link PromJson}'s {@code StringBuilder} writing encoded as UTF-8, byte for byte.
 *
 * <p>Not thread-safe: one writer per thread and answer part. {@link #finish} hands the buffer over; after a failure
 * {@link #release} frees it.
 */
final class JsonByteWriter {
    /** A scratch holds a few hundred points between copies; one value needs at most PromFloats.MAX_BYTES. */
    private static final int SCRATCH_BYTES = 32 << 10;
    /** A point's bytes at most: {@code [-9223372036854775.808,"<value>"],}. */
    private static final int POINT_BYTES = 32 + PromFloats.MAX_BYTES;
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[SCRATCH_BYTES]);
    private static final ThreadLocal<TimeTexts> TIME_TEXTS = ThreadLocal.withInitial(TimeTexts::new);
    /** Stores and loads a long in a byte array, little-endian, at any offset. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final byte[] PAIRS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            PAIRS[2 * i] = (byte) ('0' + i / 10);
            PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    private final byte[] b = SCRATCH.get();
    private final TimeTexts times = TIME_TEXTS.get();
    private final ByteBuf out;
    private int n;

    JsonByteWriter(final ByteBufAllocator alloc, final int expectedBytes) {
        this.out = alloc.ioBuffer(Math.max(256, expectedBytes));
    }

    /** The bytes written so far; the writer must not be used afterwards. */
    ByteBuf finish() {
        flush();
        return out;
    }

    void release() {
        out.release();
    }

    private void flush() {
        out.writeBytes(b, 0, n);
        n = 0;
    }

    private void room(final int bytes) {
        if (n + bytes > b.length) {
            flush();
        }
    }

    /** ASCII text without escaping (JSON syntax and known keys). */
    JsonByteWriter ascii(final String s) {
        final int len = s.length();
        if (len > b.length) {
            flush();
            for (int i = 0; i < len; i++) {
                out.writeByte(s.charAt(i));
            }
            return this;
        }
        room(len);
        for (int i = 0; i < len; i++) {
            b[n++] = (byte) s.charAt(i);
        }
        return this;
    }

    JsonByteWriter ascii(final char c) {
        room(1);
        b[n++] = (byte) c;
        return this;
    }

    /** One point {@code [<time>,"<value>"]}, after a comma if {@code comma}. */
    void point(final boolean comma, final long timeMs, final double value) {
        room(POINT_BYTES);
        if (comma) {
            b[n++] = ',';
        }
        b[n++] = '[';
        time(timeMs);
        valueAndClose(value);
    }

    /**
     * {@link #point} for the point at {@code index} of a matrix series: the text of its time is copied from
     * {@link TimeTexts} when the series before had the same time there, as the series of a range answer have (every
     * step's time was formatted once per series: ~7 ns a point, ~0.1 ms of Q2's 14,410, PEERS.md).
     */
    void pointAt(final int index, final long timeMs, final double value) {
        room(POINT_BYTES);
        if (index > 0) {
            b[n++] = ',';
        }
        b[n++] = '[';
        final TimeTexts t = times;
        if (index < t.length.length && t.timeMs[index] == timeMs && t.length[index] != 0) {
            LONGS.set(b, n, t.low[index]);
            LONGS.set(b, n + 8, t.high[index]);
            n += t.length[index];
        } else {
            final int at = n;
            time(timeMs);
            t.put(index, timeMs, b, at, n - at);
        }
        valueAndClose(value);
    }

    // the rest of a point after its time: {@code ,"<value>"]}
    private void valueAndClose(final double value) {
        b[n++] = ',';
        b[n++] = '"';
        n = PromFloats.put(b, n, value);
        b[n++] = '"';
        b[n++] = ']';
    }

    /**
     * The text of the time last written at each point index of a matrix series, up to {@link #MAX_INDEX} points and
     * {@link #MAX_TEXT} bytes (two words, copied whole: the bytes after the text are overwritten by what follows it).
     * Per thread, reused by every answer the thread writes; {@code length} 0 = none.
     */
    private static final class TimeTexts {
        static final int MAX_INDEX = 16_384;
        static final int MAX_TEXT = 16;
        long[] timeMs = new long[0];
        long[] low = new long[0];
        long[] high = new long[0];
        byte[] length = new byte[0];

        void put(final int index, final long t, final byte[] text, final int at, final int bytes) {
            if (index >= length.length) {
                if (index >= MAX_INDEX) {
                    return;
                }
                final int size = Math.min(MAX_INDEX, Math.max(index + 1, 2 * length.length));
                timeMs = Arrays.copyOf(timeMs, size);
                low = Arrays.copyOf(low, size);
                high = Arrays.copyOf(high, size);
                length = Arrays.copyOf(length, size);
            }
            timeMs[index] = t;
            low[index] = (long) LONGS.get(text, at);
            high[index] = (long) LONGS.get(text, at + 8);
            length[index] = (byte) (bytes <= MAX_TEXT ? bytes : 0);
        }
    }

    /** A time as {@link #point} writes it. */
    void timestamp(final long timeMs) {
        room(POINT_BYTES);
        time(timeMs);
    }

    /** Prometheus's MarshalTimestamp: seconds, then ".mmm" (3 digits) when the millis are not zero. */
    private void time(final long timeMs) {
        long t = timeMs;
        if (t < 0) {
            b[n++] = '-';
            t = -t;
        }
        final long seconds = t / 1000;
        final int fraction = (int) (t - seconds * 1000);
        n = PromFloats.putLong(b, n, seconds);
        if (fraction != 0) {
            b[n++] = '.';
            b[n++] = (byte) ('0' + fraction / 100);
            final int r = fraction % 100 << 1;
            b[n++] = PAIRS[r];
            b[n++] = PAIRS[r + 1];
        }
    }

    /** A label set as a JSON object. */
    void labels(final LabelSet labels) {
        ascii('{');
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) {
                ascii(',');
            }
            string(labels.name(i));
            ascii(':');
            string(labels.value(i));
        }
        ascii('}');
    }

    /** A JSON string literal, escaped as {@link PromJson#string} does, in UTF-8. */
    void string(final String s) {
        ascii('"');
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            room(12);
            switch (c) {
                case '"' -> escape('"');
                case '\\' -> escape('\\');
                case '\n' -> escape('n');
                case '\r' -> escape('r');
                case '\t' -> escape('t');
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        unicodeEscape(c);
                    } else if (c < 0x80) {
                        b[n++] = (byte) c;
                    } else {
                        i = utf8(s, i, c);
                    }
                }
            }
        }
        ascii('"');
    }

    private void escape(final char c) {
        b[n++] = '\\';
        b[n++] = (byte) c;
    }

    private void unicodeEscape(final char c) {
        b[n++] = '\\';
        b[n++] = 'u';
        b[n++] = (byte) Character.forDigit(c >> 12 & 0xf, 16);
        b[n++] = (byte) Character.forDigit(c >> 8 & 0xf, 16);
        b[n++] = (byte) Character.forDigit(c >> 4 & 0xf, 16);
        b[n++] = (byte) Character.forDigit(c & 0xf, 16);
    }

    /** Writes the character at {@code i} (and its low surrogate) as UTF-8; returns the index of its last char. */
    private int utf8(final String s, final int i, final char c) {
        if (c < 0x800) {
            b[n++] = (byte) (0xc0 | c >> 6);
            b[n++] = (byte) (0x80 | c & 0x3f);
            return i;
        }
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            final int cp = Character.toCodePoint(c, s.charAt(i + 1));
            b[n++] = (byte) (0xf0 | cp >> 18);
            b[n++] = (byte) (0x80 | cp >> 12 & 0x3f);
            b[n++] = (byte) (0x80 | cp >> 6 & 0x3f);
            b[n++] = (byte) (0x80 | cp & 0x3f);
            return i + 1;
        }
        if (Character.isSurrogate(c)) {
            // a lone surrogate: String.getBytes(UTF_8) writes '?'
            b[n++] = '?';
            return i;
        }
        b[n++] = (byte) (0xe0 | c >> 12);
        b[n++] = (byte) (0x80 | c >> 6 & 0x3f);
        b[n++] = (byte) (0x80 | c & 0x3f);
        return i;
    }
}
