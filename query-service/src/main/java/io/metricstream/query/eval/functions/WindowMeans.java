package io.metricstream.query.eval.functions;

import io.metricstream.contracts.storage.WindowFunction;

/**
 * avg_over_time of many windows of one series at once, bit-identical to {@link WindowFunction#over} for
 * {@link WindowFunction#AVG} on finite values far from overflow (its infinity rules cannot apply to them).
 *
 * <p>Each window's mean is Prometheus's incremental one, {@code mean += v / count - mean / count}: two divisions
 * per sample that no rewrite may change. Windows start with {@code count = 1} alike, so a block of {@link #LANES}
 * windows is run side by side: their samples are copied into a scratch transposed (sample {@code j} of every window
 * next to each other) and one loop over the windows does step {@code j} of all of them. The JIT vectorizes that loop
 * (divisions of 4-8 doubles per instruction, each correctly rounded like the scalar one, in the same order per
 * window), where {@link WindowFunction#averagesOfFour} is bound by the scalar divider's throughput. A block runs the
 * steps its shortest window has; the longer windows finish one by one. Not thread-safe: one instance per thread.
 */
final class WindowMeans {
    /**
     * Windows per block. On Q2's series (1,441 windows of 40-41 samples) four at a time took 150 µs, blocks of 16 /
     * 32 / 64 / 128 took 121 / 94 / 82 / 135 µs (AVX-512 EPYC, same JVM, back to back).
     */
    static final int LANES = 64;
    /** Smallest magnitude of a nonzero value {@link #averages} takes (see there). */
    static final double MIN_ABS = 0x1p-600;
    /** Largest magnitude of a value {@link #averages} takes. */
    static final double MAX_ABS = 1e300;
    /** Largest transposed block (doubles); windows longer than this / LANES fall back to four at a time. */
    private static final int MAX_SCRATCH = 1 << 16;
    private static final ThreadLocal<WindowMeans> PER_THREAD = ThreadLocal.withInitial(WindowMeans::new);

    private double[] columns = new double[LANES * 64];
    /** Window bounds and output slots of one series for {@link #averages}, grown once to the most steps seen. */
    private int[] from = new int[0];
    private int[] to = new int[0];
    private int[] outAt = new int[0];

    private WindowMeans() {
    }

    /** Whether {@link #averages} takes {@code v}: 0, or a magnitude in [{@link #MIN_ABS}, {@link #MAX_ABS}]. */
    static boolean inRange(final double v) {
        final double a = Math.abs(v);
        return a <= MAX_ABS && (a >= MIN_ABS || a == 0);
    }

    /** The calling thread's instance. */
    static WindowMeans get() {
        return PER_THREAD.get();
    }

    /**
     * The mean of every window {@code values[from[i] .. to[i])} ({@code to[i] > from[i]}), i in [0, windows), into
     * {@code out[outAt[i]]}. Every value must be {@link #inRange}.
     *
     * <p>Why blocks may divide by {@link #quotient}: with every value 0 or of magnitude in [2^-600, 1e300], a running
     * mean is 0 or of magnitude in [2^-772, 1e300] (a sample of 2^-600 or more divided by a count of at most 1,024
     * leaves a mean of at least 2^-611 unless it cancels one of comparable size, which leaves a multiple of
     * ulp(2^-710) or 0; zeros shrink a mean by at most (count0 - 1) / count <= 1,024 in all), so every quotient is 0
     * or normal. A -0 sample gives a +0 quotient instead of -0; a mean is never -0 (it starts at +0 and a sum is -0
     * only of two -0s), and {@code mean + (dv - dm)} with dv = +-0 is the same double either way.
     */
    void averages(final double[] values, final int[] from, final int[] to, final int windows, final double[] out,
                  final int[] outAt) {
        int k = 0;
        while (k + LANES <= windows) {
            if (block(values, from, to, k, out, outAt)) {
                k += LANES;
            } else {
                WindowFunction.averagesOfFour(values, from, to, k, out, outAt);
                k += 4;
            }
        }
        for (; k + 4 <= windows; k += 4) {
            WindowFunction.averagesOfFour(values, from, to, k, out, outAt);
        }
        for (; k < windows; k++) {
            out[outAt[k]] = WindowFunction.AVG.over(values, from[k], to[k]);
        }
    }

    /**
     * {@code a / b} correctly rounded, from {@code inverse = 1 / b} (correctly rounded): {@code q = a * inverse}, then
     * one correction {@code q + (a - b q) inverse} in fused operations, as {@link #block}'s loop computes it (there
     * inline, where the JIT vectorizes it: a division costs 4-16 cycles per vector, a fused multiply-add 0.5-1).
     * For an integer {@code 1 <= b <= 2^31}, {@code |a| <= 1e300} and {@code a = 0} or {@code a / b} normal, this is
     * exactly {@code a / b} (Markstein, "Computation of elementary functions on the IBM RISC System/6000 processor",
     * 1990): q is within 1.5 ulp of a / b, so {@code a - b q} is a multiple of ulp(q) below 2^53 ulp(q), exact in the
     * fused multiply-add; the corrected sum is {@code a/b + (a/b - q) delta} with {@code |delta| <= 2^-53} (the
     * inverse's rounding), within 2^-52 ulp of a / b, while a / b is at least ulp / (2 b) from any midpoint between
     * two doubles (it is never one: a = b M has no room in 53 bits), so it rounds to what a / b rounds to. A zero
     * {@code a} gives +0 where the division gives -0 for a = -0; see {@link #averages} for why that changes no mean.
     */
    static double quotient(final double a, final double b, final double inverse) {
        final double q = a * inverse;
        return Math.fma(Math.fma(-b, q, a), inverse, q);
    }

    /** Windows {@code k .. k + LANES}, or false (nothing written) when their lengths differ too much. */
    private boolean block(final double[] values, final int[] from, final int[] to, final int k, final double[] out,
                          final int[] outAt) {
        int common = Integer.MAX_VALUE;
        long total = 0;
        for (int w = k; w < k + LANES; w++) {
            final int len = to[w] - from[w];
            common = Math.min(common, len);
            total += len;
        }
        // a ragged block (series edge, gap) would leave most steps to the one-window tails: the caller then takes
        // four windows at a time until the block ahead is even
        if (2L * common * LANES < total || (long) (common + 1) * LANES > MAX_SCRATCH) {
            return false;
        }
        // row 0: the means before the first step (0); row j + 1: sample j of every window, overwritten by the means
        // after step j. One array, rows a constant apart, so the JIT proves the loop's loads and stores independent.
        final double[] c = columns((common + 1) * LANES);
        transpose(values, from, k, common, c);
        for (int j = 0; j < common; j++) {
            final double count = j + 1;
            final double inverse = 1 / count;
            final double minusCount = -count;
            final int row = (j + 1) * LANES;
            for (int w = 0; w < LANES; w++) {
                // WindowFunction.meanStep without its infinity rules, which values in range never reach; each
                // division by count is quotient(): its correctly rounded result from multiplications
                final double v = c[row + w];
                final double mean = c[row - LANES + w];
                final double qv = v * inverse;
                final double qm = mean * inverse;
                c[row + w] = mean + (Math.fma(Math.fma(minusCount, qv, v), inverse, qv)
                    - Math.fma(Math.fma(minusCount, qm, mean), inverse, qm));
            }
        }
        final int last = common * LANES;
        for (int w = 0; w < LANES; w++) {
            final int f = from[k + w];
            final int end = to[k + w];
            double mean = c[last + w];
            for (int j = f + common; j < end; j++) {
                mean = WindowFunction.meanStep(mean, j - f + 1, values[j]);
            }
            out[outAt[k + w]] = mean;
        }
        return true;
    }

    /**
     * Copies sample {@code j} of window {@code k + w} to {@code c[(j + 1) * LANES + w]}, j < {@code common}, and zeros
     * row 0. When the windows start a constant {@code s >= 1} samples apart (a regular series at a step of s of its
     * intervals: Q2's [10m] at 60 s over samples 15 s apart, s = 4), lane w of row {@code j + 1 + s} is lane w + 1 of
     * row {@code j + 1} (the same sample), so after s rows gathered sample by sample each further row is one
     * {@link System#arraycopy} of the row s before, one lane over, plus a new sample in the last lane, instead of
     * {@link #LANES} strided stores. Same values, so the same means. Q2's blocks: 17 -> 10 us per series of 1,441
     * windows for the copy, 37 -> 30 us for the whole block (micro-harness); server CPU 7.55 / 7.58 -> 7.18 / 6.88
     * ms per Q2 (qab.sh, A B A B, 400 queries each).
     */
    private static void transpose(final double[] values, final int[] from, final int k, final int common,
                                  final double[] c) {
        final int f0 = from[k];
        final int s = from[k + 1] - f0;
        boolean regular = s >= 1;
        for (int w = 2; w < LANES && regular; w++) {
            regular = from[k + w] == f0 + (long) s * w;
        }
        final int gathered = regular ? Math.min(s, common) : common;
        for (int w = 0; w < LANES; w++) {
            c[w] = 0;
            final int f = from[k + w];
            for (int j = 0; j < gathered; j++) {
                c[(j + 1) * LANES + w] = values[f + j];
            }
        }
        final int lastLane = from[k + LANES - 1];
        for (int j = gathered; j < common; j++) {
            System.arraycopy(c, (j + 1 - s) * LANES + 1, c, (j + 1) * LANES, LANES - 1);
            c[(j + 2) * LANES - 1] = values[lastLane + j];
        }
    }

    /**
     * This thread's scratch of at least {@code steps} window starts for {@link #averages} (reused by every series:
     * avg_over_time would otherwise allocate three int[steps] per series); {@link #windowEnds} and
     * {@link #windowOutAt} are as long.
     */
    int[] windowStarts(final int steps) {
        if (from.length < steps) {
            from = new int[steps];
            to = new int[steps];
            outAt = new int[steps];
        }
        return from;
    }

    /** The window ends of the scratch {@link #windowStarts} sized. */
    int[] windowEnds() {
        return to;
    }

    /** The output slots of the scratch {@link #windowStarts} sized. */
    int[] windowOutAt() {
        return outAt;
    }

    private double[] columns(final int doubles) {
        if (columns.length < doubles) {
            columns = new double[Math.max(doubles, columns.length * 2)];
        }
        return columns;
    }
}
