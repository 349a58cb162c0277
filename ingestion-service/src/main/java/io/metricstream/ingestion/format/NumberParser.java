package io.metricstream.ingestion.format;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Parses decimal numbers from bytes without allocating in the common case. Floats use Clinger's fast path: a
 * mantissa of at most 15 significant digits ({@code < 2^53}) scaled by an exact power of ten {@code <= 10^22}
 * is correctly rounded by one IEEE multiplication or division. Everything else (17-digit shortest round-trip
 * representations, huge exponents) falls back to {@link Double#parseDouble}, which allocates one String; the
 * data sets we ingest (2-decimal gauges, integer counters) stay on the fast path.
 *
 * <p>Not thread-safe; one per parser.
 */
public final class NumberParser {
    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    };
    private static final long FAST_MANTISSA_LIMIT = 1L << 53;
    // the largest magnitudes that may still take a digit (signed values accumulate negatively)
    private static final long MULT_MIN = Long.MIN_VALUE / 10;
    private static final long UNSIGNED_MULT_MAX = Long.divideUnsigned(-1L, 10);
    private static final long UNSIGNED_LAST_DIGIT = Long.remainderUnsigned(-1L, 10);
    // up to 18 digits cannot overflow an int64 (10^18 - 1 < 2^63 - 1), so they need no bound checks per digit
    private static final int UNCHECKED_DIGITS = 18;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.LITTLE_ENDIAN);

    private double doubleValue;
    private long longValue;

    /** The value of the last successful {@link #parseDouble}. */
    public double doubleValue() {
        return doubleValue;
    }

    /** The value of the last successful {@link #parseLong} or {@link #parseUnsigned}. */
    public long longValue() {
        return longValue;
    }

    /**
     * Parses {@code [+-]digits[.digits][(e|E)[+-]digits]} (at least one mantissa digit; {@code 5.} and {@code .5}
     * allowed, as Go's strconv and therefore Influx accept). Returns false for anything else (inf, nan, hex) and for
     * values out of the float64 range.
     */
    public boolean parseDouble(final byte[] b, final int offset, final int length) {
        final int end = offset + length;
        int i = offset;
        if (i == end) {
            return false;
        }
        final boolean negative = b[i] == '-';
        if (b[i] == '-' || b[i] == '+') {
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int significant = 0;
        int exp10 = 0;
        boolean exact = true;
        while (i < end && b[i] >= '0' && b[i] <= '9') {
            digits++;
            if (significant < 18) {
                mantissa = mantissa * 10 + (b[i] - '0');
                if (mantissa != 0) {
                    significant++;
                }
            } else {
                exp10++;
                exact &= b[i] == '0';
            }
            i++;
        }
        if (i < end && b[i] == '.') {
            i++;
            while (i < end && b[i] >= '0' && b[i] <= '9') {
                digits++;
                if (significant < 18) {
                    mantissa = mantissa * 10 + (b[i] - '0');
                    if (mantissa != 0) {
                        significant++;
                    }
                    exp10--;
                } else {
                    exact &= b[i] == '0';
                }
                i++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            boolean expNegative = false;
            if (i < end && (b[i] == '-' || b[i] == '+')) {
                expNegative = b[i] == '-';
                i++;
            }
            if (i == end) {
                return false;
            }
            int e = 0;
            while (i < end && b[i] >= '0' && b[i] <= '9') {
                if (e < 100_000) {
                    e = e * 10 + (b[i] - '0');
                }
                i++;
            }
            exp10 += expNegative ? -e : e;
        }
        if (i != end) {
            return false;
        }
        if (exact && mantissa < FAST_MANTISSA_LIMIT && exp10 >= -22 && exp10 <= 22) {
            final double m = (double) mantissa;
            final double v = exp10 >= 0 ? m * POW10[exp10] : m / POW10[-exp10];
            doubleValue = negative ? -v : v;
            return true;
        }
        if (mantissa == 0 && exact) {
            doubleValue = negative ? -0.0 : 0.0;
            return true;
        }
        doubleValue = Double.parseDouble(new String(b, offset, length, StandardCharsets.ISO_8859_1));
        return !Double.isInfinite(doubleValue);
    }

    /**
     * One pass over the common Influx field values: {@code [-]digits[.digits]} of at most 18 digits, or
     * {@code [-]digits} followed by {@code i}. Returns the index just after the value (after the {@code i}) with
     * {@link #doubleValue} exactly what {@link #parseDouble} (for {@code 12i}: {@code (double)} of
     * {@link #parseLong}) gives, or -1 for anything else (exponents, {@code u}, booleans, more digits), which the
     * caller parses the general way. The caller checks that a delimiter follows. Exact because an integer mantissa
     * converts to the nearest double, and a fraction takes Clinger's fast path (mantissa {@code < 2^53}, at most 22
     * decimals: one correctly rounded division by an exact power of ten). Saves the delimiter scan, the boolean
     * check and the second scan of the general path (a quarter of an Influx parse in a JFR profile of StageBench).
     */
    public int parseSimple(final byte[] b, final int from, final int end) {
        int i = from;
        final boolean negative = i < end && b[i] == '-';
        if (negative) {
            i++;
        }
        final int digitsAt = i;
        long m = 0;
        while (i < end) {
            final int d = b[i] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            m = m * 10 + d;
            i++;
        }
        int digits = i - digitsAt;
        int decimals = 0;
        if (i < end && b[i] == '.') {
            final int fractionAt = ++i;
            while (i < end) {
                final int d = b[i] - '0';
                if (d < 0 || d > 9) {
                    break;
                }
                m = m * 10 + d;
                i++;
            }
            decimals = i - fractionAt;
            digits += decimals;
        } else if (i < end && b[i] == 'i' && digits > 0 && digits <= UNCHECKED_DIGITS) {
            // as parseLong then a cast: -0i is +0.0
            doubleValue = (double) (negative ? -m : m);
            return i + 1;
        }
        if (digits == 0 || digits > UNCHECKED_DIGITS) {
            return -1;
        }
        final double v;
        if (decimals == 0) {
            v = (double) m;
        } else if (m < FAST_MANTISSA_LIMIT && decimals <= 22) {
            v = (double) m / POW10[decimals];
        } else {
            return -1;
        }
        doubleValue = negative ? -v : v;
        return i;
    }

    /**
     * Parses 1..19 ASCII digits from {@code from} (eight at a time while eight remain) into {@link #longValue};
     * returns the index of the first non-digit, or -1 when there is no digit, more than 19 or a value above
     * {@link Long#MAX_VALUE} (the caller then parses the general way). The timestamp of an Influx line in one pass
     * instead of a delimiter scan and then {@link #parseLong}.
     */
    public int parseDigits(final byte[] b, final int from, final int end) {
        long v = 0;
        int i = from;
        final int limit = Math.min(end, from + UNCHECKED_DIGITS);
        if (i + Long.BYTES <= limit) {
            final long w = (long) LONG_LE.get(b, i);
            if (isEightDigits(w)) {
                v = eightDigits(w);
                i += Long.BYTES;
                if (i + Long.BYTES <= limit) {
                    final long w2 = (long) LONG_LE.get(b, i);
                    if (isEightDigits(w2)) {
                        v = v * 100_000_000L + eightDigits(w2);
                        i += Long.BYTES;
                    }
                }
            }
        }
        while (i < limit) {
            final int d = b[i] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            v = v * 10 + d;
            i++;
        }
        if (i == from) {
            return -1;
        }
        if (i == from + UNCHECKED_DIGITS && i < end && b[i] >= '0' && b[i] <= '9') {
            // a 19th digit (nanosecond timestamps) fits when it does not overflow; a 20th never does
            final int d = b[i] - '0';
            if (v > (Long.MAX_VALUE - d) / 10) {
                return -1;
            }
            v = v * 10 + d;
            i++;
            if (i < end && b[i] >= '0' && b[i] <= '9') {
                return -1;
            }
        }
        longValue = v;
        return i;
    }

    /** Parses {@code [-]digits} into a signed int64; false on overflow or anything else. */
    public boolean parseLong(final byte[] b, final int offset, final int length) {
        final int end = offset + length;
        int i = offset;
        if (i == end) {
            return false;
        }
        final boolean negative = b[i] == '-';
        if (negative || b[i] == '+') {
            i++;
        }
        if (i == end) {
            return false;
        }
        if (end - i <= UNCHECKED_DIGITS) {
            return parseShort(b, i, end, negative);
        }
        long v = 0;
        while (i < end) {
            final int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            // accumulate negatively so Long.MIN_VALUE parses; the bounds are constants (Long.parseLong's): a division
            // per digit here took 9% of a 5,000-line Influx body's parse in a JFR profile (ParseBench)
            if (v < MULT_MIN) {
                return false;
            }
            v *= 10;
            if (v < Long.MIN_VALUE + d) {
                return false;
            }
            v -= d;
            i++;
        }
        if (!negative && v == Long.MIN_VALUE) {
            return false;
        }
        longValue = negative ? v : -v;
        return true;
    }

    /**
     * Parses 1..18 digits from {@code i} into {@link #longValue}: eight at a time while eight remain (a 13-digit ms
     * timestamp is one word and five digits; parseLong was 7% of an Influx parse in a JFR profile of ParseBench).
     */
    private boolean parseShort(final byte[] b, final int from, final int end, final boolean negative) {
        long v = 0;
        int i = from;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            final long w = (long) LONG_LE.get(b, i);
            if (!isEightDigits(w)) {
                return false;
            }
            v = v * 100_000_000L + eightDigits(w);
        }
        for (; i < end; i++) {
            final int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            v = v * 10 + d;
        }
        longValue = negative ? -v : v;
        return true;
    }

    /** Whether all eight bytes of the little-endian {@code w} are ASCII digits (SWAR, as simdjson). */
    static boolean isEightDigits(final long w) {
        return ((w & 0xF0F0F0F0F0F0F0F0L) | ((w + 0x0606060606060606L) & 0xF0F0F0F0F0F0F0F0L) >>> 4)
            == 0x3333333333333333L;
    }

    /** The value of eight ASCII digits read as a little-endian {@code w} (first digit lowest; simdjson's). */
    static long eightDigits(final long w) {
        long v = (w & 0x0F0F0F0F0F0F0F0FL) * 2561 >>> 8;
        v = (v & 0x00FF00FF00FF00FFL) * 6553601 >>> 16;
        return (v & 0x0000FFFF0000FFFFL) * 42949672960001L >>> 32;
    }

    /** Parses {@code digits} into an unsigned int64 (kept in a long's bits); false on overflow. */
    public boolean parseUnsigned(final byte[] b, final int offset, final int length) {
        if (length == 0) {
            return false;
        }
        long v = 0;
        for (int i = offset; i < offset + length; i++) {
            final int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            if (Long.compareUnsigned(v, UNSIGNED_MULT_MAX) > 0 || v == UNSIGNED_MULT_MAX && d > UNSIGNED_LAST_DIGIT) {
                return false;
            }
            v = v * 10 + d;
        }
        longValue = v;
        return true;
    }

    /** The double nearest to the unsigned int64 {@code bits}. */
    public static double unsignedToDouble(final long bits) {
        if (bits >= 0) {
            return (double) bits;
        }
        return ((double) (bits >>> 1 | bits & 1)) * 2.0;
    }
}
