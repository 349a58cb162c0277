package io.metricstream.query.eval;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Float formatting as Prometheus does it ({@code strconv.FormatFloat(v, 'f', -1, 64)}): the shortest decimal that
 * round-trips, the closest to {@code v} among those (ties to an even last digit), written without an exponent;
 * {@code NaN}, {@code +Inf}, {@code -Inf}, {@code -0}.
 *
 * <p>{@link #put} writes ASCII bytes straight into an array (JSON answers write hundreds of thousands of values).
 * The digits come from Giulietti's Schubfach algorithm ("The Schubfach way to render doubles", 2020; the algorithm
 * behind {@link Double#toString} since JDK 19) with one difference: Java never prints fewer than two digits, so
 * where a one-digit decimal round-trips it prints the closest two-digit one ({@code 4.9E-324}); Go prints the
 * one-digit one ({@code 5e-324}), and so does this class (the C_TINY scaling and the {@code s >= 100} guard of the
 * JDK's implementation are left out). The 126-bit approximations of the powers of ten are computed once at class
 * initialisation from {@link BigInteger}s.
 */
public final class PromFloats {
    /** Most bytes {@link #put} writes: {@code -0.} and 323 zeros before up to 17 digits. */
    public static final int MAX_BYTES = 352;

    private static final int PRECISION = 53;
    private static final int Q_MIN = -1074;
    private static final long C_MIN = 1L << PRECISION - 1;
    private static final long T_MASK = C_MIN - 1;
    private static final int BQ_MASK = 0x7ff;
    private static final long MASK_63 = Long.MAX_VALUE;
    private static final int K_MIN = -324;
    private static final int K_MAX = 292;
    /** g(k) = floor(10^-k 2^-r) + 1 with 2^125 <= g < 2^126, as its high and low 63 bits per k from K_MIN. */
    private static final long[] G = powersOfTen();
    private static final long[] POW10 = new long[19];
    /**
     * Most decimals {@link #fewDecimals} tries: gauges of hundredths have 2, and the mean of 40 of them has up to 5
     * in a third of windows.
     */
    private static final int FEW_DECIMALS = 6;
    /** Bound of {@link #fewDecimals}'s r (see there). */
    private static final double FEW_DECIMALS_MAX = 1e15;
    private static final double[] POW10D = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6};
    /** Stores a long into a byte array, little-endian, at any offset. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** {@code '0'} in each byte of a word. */
    private static final long ASCII_ZEROS = 0x3030_3030_3030_3030L;
    /** "00" .. "99". */
    private static final byte[] PAIRS = new byte[200];
    private static final byte[] NAN = "NaN".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PLUS_INF = "+Inf".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MINUS_INF = "-Inf".getBytes(StandardCharsets.US_ASCII);

    static {
        long p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
        for (int i = 0; i < 100; i++) {
            PAIRS[2 * i] = (byte) ('0' + i / 10);
            PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    private PromFloats() {
    }

    /** Shortest round-trip decimal without exponent; {@code NaN}, {@code +Inf}, {@code -Inf}. */
    public static String format(final double v) {
        final byte[] b = new byte[MAX_BYTES];
        return new String(b, 0, put(b, 0, v), StandardCharsets.US_ASCII);
    }

    /** Appends {@link #format}'s text of {@code v} to {@code sb}. */
    public static StringBuilder append(final StringBuilder sb, final double v) {
        final byte[] b = new byte[MAX_BYTES];
        final int end = put(b, 0, v);
        for (int i = 0; i < end; i++) {
            sb.append((char) b[i]);
        }
        return sb;
    }

    /**
     * Writes {@link #format}'s text of {@code v} as ASCII at {@code dst[at]}, which must have {@link #MAX_BYTES}
     * bytes of room, and returns the index after it.
     */
    public static int put(final byte[] dst, final int at, final double v) {
        final long bits = Double.doubleToRawLongBits(v);
        final long t = bits & T_MASK;
        final int bq = (int) (bits >>> PRECISION - 1) & BQ_MASK;
        if (bq == BQ_MASK) {
            final byte[] special = t != 0 ? NAN : bits > 0 ? PLUS_INF : MINUS_INF;
            System.arraycopy(special, 0, dst, at, special.length);
            return at + special.length;
        }
        int i = at;
        if (bits < 0) {
            dst[i++] = '-';
        }
        if (bq != 0) {
            final int mq = -Q_MIN + 1 - bq;
            final long c = C_MIN | t;
            if (0 < mq && mq < PRECISION) {
                // an integer below 2^53: its own digits are the shortest
                final long f = c >> mq;
                if (f << mq == c) {
                    return putLong(dst, i, f);
                }
            }
            final int end = fewDecimals(dst, i, Math.abs(v));
            return end >= 0 ? end : shortest(dst, i, -mq, c);
        }
        if (t != 0) {
            return shortest(dst, i, Q_MIN, t);
        }
        dst[i++] = '0';
        return i;
    }

    /**
     * Writes {@code a} (positive, finite, normal) as {@code r / 10^d} for the fewest decimals {@code d} up to
     * {@link #FEW_DECIMALS} where that decimal parses back to {@code a}, and returns the index after it; or -1 (nothing
     * written). Most metric values have a few decimals, and this costs a multiply, a rint and a division or two where
     * Schubfach's 128-bit products, its digit-length search and 17-digit writing cost several times that.
     *
     * <p>Why it equals {@link #shortest}: with {@code r < 10^15} the decimals {@code d} apart are wider than the
     * rounding interval of {@code a} (ulp(a) <= 2^-52 a < 10^-15 a), so at most one {@code d}-decimal number parses to
     * {@code a}: no tie to break. The interval holds no power of ten here (that would have fewer decimals, or be the
     * integers taken before), so fewer decimals means fewer significant digits, and the first {@code d} that parses
     * back is the shortest. {@code r / 10^d} in doubles is exact-then-rounded-to-nearest-even (both exact: r < 2^53,
     * d <= 22), which is parsing the decimal. And {@code rint(a 10^d)} finds r when it exists: {@code a 10^d} is within
     * {@code r 2^-53 + ulp/2} of r, far below 0.5, which the {@code 2^-50} filter also bounds.
     */
    private static int fewDecimals(final byte[] dst, final int at, final double a) {
        // One test at FEW_DECIMALS places first: a value with d <= FEW_DECIMALS decimals is, times 10^FEW_DECIMALS,
        // an integer below 10^15 up to two roundings (< m 2^-51), so the filter below holds there too. Most means
        // (Q2's: 99 % of its values) have more decimals and leave here instead of after FEW_DECIMALS tries.
        final double m6 = a * POW10D[FEW_DECIMALS];
        if (m6 < FEW_DECIMALS_MAX && !(Math.abs(m6 - Math.rint(m6)) <= m6 * 0x1p-50)) {
            return -1;
        }
        for (int d = 1; d <= FEW_DECIMALS; d++) {
            final double m = a * POW10D[d];
            if (!(m < FEW_DECIMALS_MAX)) {
                return -1;
            }
            final double r = Math.rint(m);
            // most values with more decimals leave the filter without a division
            if (Math.abs(m - r) <= m * 0x1p-50 && r / POW10D[d] == a) {
                return decimal(dst, at, (long) r, d);
            }
        }
        return -1;
    }

    /** Writes {@code f 10^-d} (f >= 1, d >= 1, no trailing zero in f): {@code ddd.dd} or {@code 0.00ddd}. */
    private static int decimal(final byte[] dst, final int at, final long f, final int d) {
        final int len = length(f);
        if (len <= d) {
            final int first = at + 2 + d - len;
            dst[at] = '0';
            dst[at + 1] = '.';
            for (int i = at + 2; i < first; i++) {
                dst[i] = '0';
            }
            digits(dst, first + len, f);
            return first + len;
        }
        // the digits one byte to the right, then the integer part moved left over the point's place
        final int end = at + len + 1;
        digits(dst, end, f);
        final int dot = end - 1 - d;
        for (int i = at; i < dot; i++) {
            dst[i] = dst[i + 1];
        }
        dst[dot] = '.';
        return end;
    }

    /** {@link #put} without {@link #fewDecimals}: Schubfach for every non-integer (the reference of its test). */
    static int putShortest(final byte[] dst, final int at, final double v) {
        final long bits = Double.doubleToRawLongBits(v);
        final int bq = (int) (bits >>> PRECISION - 1) & BQ_MASK;
        if (bq == BQ_MASK || bq == 0 || v == Math.rint(v) && Math.abs(v) < 0x1p53) {
            return put(dst, at, v);
        }
        int i = at;
        if (bits < 0) {
            dst[i++] = '-';
        }
        return shortest(dst, i, bq - 1 + Q_MIN, C_MIN | bits & T_MASK);
    }

    /** Schubfach for {@code c 2^q}: the shortest decimal in the rounding interval, the closest if several. */
    private static int shortest(final byte[] dst, final int at, final int q, final long c) {
        final int out = (int) c & 1;
        final long cb = c << 2;
        final long cbr = cb + 2;
        final long cbl;
        final int k;
        if (c != C_MIN || q == Q_MIN) {
            cbl = cb - 2;
            k = flog10pow2(q);
        } else {
            // a power of two: the gap below is half the gap above
            cbl = cb - 1;
            k = flog10threeQuartersPow2(q);
        }
        final int h = q + flog2pow10(-k) + 2;
        final long g1 = G[k - K_MIN << 1];
        final long g0 = G[k - K_MIN << 1 | 1];
        final long vb = rop(g1, g0, cb << h);
        final long vbl = rop(g1, g0, cbl << h);
        final long vbr = rop(g1, g0, cbr << h);
        final long s = vb >> 2;
        // one digit fewer: floor(s / 10) * 10 = s * (2^64 / 10, rounded up) >> 64, exact for s < 10^17
        final long sp10 = 10 * Math.multiplyHigh(s, 115_292_150_460_684_698L << 4);
        final long tp10 = sp10 + 10;
        final boolean upin = vbl + out <= sp10 << 2;
        final boolean wpin = (tp10 << 2) + out <= vbr;
        if (upin != wpin) {
            return plain(dst, at, upin ? sp10 : tp10, k);
        }
        final long tt = s + 1;
        final boolean uin = vbl + out <= s << 2;
        final boolean win = (tt << 2) + out <= vbr;
        if (uin != win) {
            return plain(dst, at, uin ? s : tt, k);
        }
        final long cmp = vb - (s + tt << 1);
        return plain(dst, at, cmp < 0 || cmp == 0 && (s & 1) == 0 ? s : tt, k);
    }

    /** {@code cp g 2^-127}, rounded to odd. */
    private static long rop(final long g1, final long g0, final long cp) {
        final long x1 = Math.multiplyHigh(g0, cp);
        final long y0 = g1 * cp;
        final long y1 = Math.multiplyHigh(g1, cp);
        final long z = (y0 >>> 1) + x1;
        final long vbp = y1 + (z >>> 63);
        return vbp | (z & MASK_63) + MASK_63 >>> 63;
    }

    /**
     * Writes {@code f 10^e} (0 < f < 10^17) without exponent: {@code ddd000}, {@code dd.ddd} or {@code 0.000ddd}.
     * The digits are written as 17 at once from two 8-digit halves (divisions by constants only, no variable
     * division, no arraycopy call), trailing zeros cut, and a short integer part moved left to make room for the point.
     */
    private static int plain(final byte[] dst, final int at, final long f, final int e) {
        final int len = length(f);
        final int point = e + len;
        if (point <= 0) {
            final int first = at + 2 - point;
            dst[at] = '0';
            dst[at + 1] = '.';
            for (int i = at + 2; i < first; i++) {
                dst[i] = '0';
            }
            return withoutZeros(dst, first, f * POW10[17 - len]);
        }
        if (point >= 17) {
            // an integer with at least 17 digits: the 17 and zeros
            seventeen(dst, at, f * POW10[17 - len]);
            final int end = at + point;
            for (int i = at + 17; i < end; i++) {
                dst[i] = '0';
            }
            return end;
        }
        // 0 < point < 17: the digits one byte to the right, then the integer part moved left over the point's place
        final int end = withoutZeros(dst, at + 1, f * POW10[17 - len]);
        final int dot = at + point;
        for (int i = at; i < dot; i++) {
            dst[i] = dst[i + 1];
        }
        if (end <= dot + 1) {
            // an integer: its last digits are zeros seventeen() wrote and the move carried along
            return dot;
        }
        dst[dot] = '.';
        return end;
    }

    /** The 17 digits of {@code g} at {@code at} without trailing zeros; returns the index after the last one. */
    private static int withoutZeros(final byte[] dst, final int at, final long g) {
        final long hm = g / 100_000_000L;
        final int h = (int) (hm / 100_000_000L);
        final long middle = eightDigits((int) (hm - h * 100_000_000L));
        final long low = eightDigits((int) (g - hm * 100_000_000L));
        dst[at] = (byte) ('0' + h);
        LONGS.set(dst, at + 1, middle + ASCII_ZEROS);
        LONGS.set(dst, at + 9, low + ASCII_ZEROS);
        // the last digit is a word's highest byte: trailing zero digits are its leading zero bytes
        if (low != 0) {
            return at + 17 - (Long.numberOfLeadingZeros(low) >>> 3);
        }
        return middle != 0 ? at + 9 - (Long.numberOfLeadingZeros(middle) >>> 3) : at + 1;
    }

    /** The 17 digits of {@code g} (10^16 <= g < 10^17) at {@code at}. */
    private static void seventeen(final byte[] dst, final int at, final long g) {
        final long hm = g / 100_000_000L;
        final int h = (int) (hm / 100_000_000L);
        dst[at] = (byte) ('0' + h);
        LONGS.set(dst, at + 1, eightDigits((int) (hm - h * 100_000_000L)) + ASCII_ZEROS);
        LONGS.set(dst, at + 9, eightDigits((int) (g - hm * 100_000_000L)) + ASCII_ZEROS);
    }

    /**
     * The 8 decimal digits of {@code v} (0 <= v < 10^8) as byte values 0-9 in a word, the first digit in the lowest
     * byte (little-endian memory order): the halves, quarters and digits split in parallel lanes of one long, by
     * multiplications with reciprocals exact over each lane's range (x / 100 = x 5243 >> 19 for x < 10^4,
     * x / 10 = x 103 >> 10 for x < 100) instead of a division and two table loads per pair of digits.
     */
    private static long eightDigits(final int v) {
        final int hi = v / 10_000;
        final long halves = hi | (long) (v - hi * 10_000) << 32;
        final long hundreds = (halves * 5243 >>> 19) & 0x0000_007F_0000_007FL;
        final long quarters = hundreds | (halves - hundreds * 100) << 16;
        final long tens = (quarters * 103 >>> 10) & 0x000F_000F_000F_000FL;
        return tens | (quarters - tens * 10) << 8;
    }

    /**
     * Writes the decimal digits of {@code v} >= 0 at {@code dst[at]} and returns the index after them (at most 19
     * bytes).
     */
    public static int putLong(final byte[] dst, final int at, final long v) {
        final int end = at + (v == 0 ? 1 : length(v));
        if (v >= 100_000_000L) {
            // the last 8 digits as one word (unix seconds have 10 digits: a pair and a word, no loop)
            final long high = v / 100_000_000L;
            LONGS.set(dst, end - 8, eightDigits((int) (v - high * 100_000_000L)) + ASCII_ZEROS);
            digits(dst, end - 8, high);
            return end;
        }
        digits(dst, end, v);
        return end;
    }

    /** Digits of {@code f} >= 0 written right to left, ending before {@code end}. */
    private static void digits(final byte[] dst, final int end, final long f) {
        long v = f;
        int i = end;
        while (v >= 100) {
            final long q = v / 100;
            final int r = (int) (v - q * 100) << 1;
            dst[--i] = PAIRS[r + 1];
            dst[--i] = PAIRS[r];
            v = q;
        }
        if (v >= 10) {
            final int r = (int) v << 1;
            dst[--i] = PAIRS[r + 1];
            dst[--i] = PAIRS[r];
        } else {
            dst[--i] = (byte) ('0' + v);
        }
    }

    /** Number of decimal digits of {@code f} >= 1. */
    private static int length(final long f) {
        final int len = flog10pow2(Long.SIZE - Long.numberOfLeadingZeros(f));
        return f >= POW10[len] ? len + 1 : len;
    }

    /** floor(log10(2^e)). */
    private static int flog10pow2(final int e) {
        return (int) (e * 661_971_961_083L >> 41);
    }

    /** floor(log10(3/4 2^e)). */
    private static int flog10threeQuartersPow2(final int e) {
        return (int) (e * 661_971_961_083L - 274_743_187_321L >> 41);
    }

    /** floor(log2(10^e)). */
    private static int flog2pow10(final int e) {
        return (int) (e * 913_124_641_741L >> 38);
    }

    private static long[] powersOfTen() {
        final long[] g = new long[K_MAX - K_MIN + 1 << 1];
        for (int k = K_MIN; k <= K_MAX; k++) {
            final int r = flog2pow10(-k) - 125;
            final BigInteger beta;
            if (k <= 0) {
                final BigInteger p = BigInteger.TEN.pow(-k);
                beta = r >= 0 ? p.shiftRight(r) : p.shiftLeft(-r);
            } else {
                beta = BigInteger.ONE.shiftLeft(-r).divide(BigInteger.TEN.pow(k));
            }
            final BigInteger gk = beta.add(BigInteger.ONE);
            g[k - K_MIN << 1] = gk.shiftRight(63).longValueExact();
            g[k - K_MIN << 1 | 1] = gk.longValue() & MASK_63;
        }
        return g;
    }
}
