package io.metricstream.loadgen.encode;

import io.metricstream.loadgen.generate.ValueStyle;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Writes numbers as ASCII text into a {@link ByteBuf}. Stateless. */
final class TextValues {
    private static final double MAX_EXACT_LONG = 9.007199254740992E15;
    private static final byte[] NAN = "NaN".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] POS_INF = "+Inf".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEG_INF = "-Inf".getBytes(StandardCharsets.US_ASCII);

    private TextValues() {
    }

    /** Writes {@code v} in {@code style}: two decimals, a whole number, or the shortest round-trip form. */
    static void writeValue(final ByteBuf out, final double v, final ValueStyle style) {
        if (Double.isNaN(v)) {
            out.writeBytes(NAN);
        } else if (Double.isInfinite(v)) {
            out.writeBytes(v > 0 ? POS_INF : NEG_INF);
        } else if (style != ValueStyle.DECIMAL2 && v == Math.rint(v) && Math.abs(v) < MAX_EXACT_LONG) {
            writeLong(out, (long) v);
        } else if (style == ValueStyle.DECIMAL2 || isExactHundredths(v)) {
            final long cents = (long) Math.rint(v * 100);   // the same rounding isExactHundredths checked
            if (cents < 0) {
                out.writeByte('-');
            }
            final long abs = Math.abs(cents);
            writeLong(out, abs / 100);
            out.writeByte('.');
            out.writeByte('0' + (int) (abs % 100 / 10));
            out.writeByte('0' + (int) (abs % 10));
        } else {
            writeAscii(out, Double.toString(v));
        }
    }

    /**
     * Whether {@code v} is exactly the double nearest some whole number of hundredths, so two decimals parse back
     * to the same bits: lets the common case (gauges with 2 decimals) skip {@link Double#toString}'s allocation.
     */
    static boolean isExactHundredths(final double v) {
        final double scaled = v * 100;
        return Math.abs(scaled) < MAX_EXACT_LONG && Math.rint(scaled) / 100 == v;
    }

    /** Writes a decimal long. */
    static void writeLong(final ByteBuf out, final long v) {
        if (v == Long.MIN_VALUE) {
            writeAscii(out, Long.toString(v));
            return;
        }
        long x = v;
        if (x < 0) {
            out.writeByte('-');
            x = -x;
        }
        if (x < 10) {
            out.writeByte((int) ('0' + x));
            return;
        }
        long div = 1;
        while (x / div >= 10) {
            div *= 10;
        }
        while (div > 0) {
            out.writeByte((int) ('0' + x / div % 10));
            div /= 10;
        }
    }

    static void writeAscii(final ByteBuf out, final String s) {
        out.writeCharSequence(s, StandardCharsets.US_ASCII);
    }
}
