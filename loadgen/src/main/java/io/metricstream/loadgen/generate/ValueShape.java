package io.metricstream.loadgen.generate;

import java.util.Locale;

/**
 * Value shapes of synthetic series. Each draws from a per-series SplitMix64 state, so a series' values
 * depend only on the run seed, the series id and the round: identical in every run with the same seed.
 */
public enum ValueShape {
    /** A gauge doing a bounded random walk between 0 and 100. */
    RANDOM_WALK(ValueStyle.FLOAT),
    /** A monotonically increasing integer counter (increments 0..99, no resets). */
    COUNTER(ValueStyle.INTEGER),
    /** A sine of period 60 rounds around 50 with amplitude 40 and a per-series phase. */
    SINE(ValueStyle.FLOAT),
    /** A baseline near 10 with a 1% chance per round of a 10x spike. */
    SPIKES(ValueStyle.FLOAT),
    /** A random walk that skips 10% of its rounds (no sample at all). */
    GAPS(ValueStyle.FLOAT);

    /** Rounds per period of {@link #SINE}. */
    public static final int SINE_PERIOD_ROUNDS = 60;
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private final ValueStyle style;

    ValueShape(final ValueStyle style) {
        this.style = style;
    }

    /** How values of this shape are written. */
    public ValueStyle style() {
        return style;
    }

    /** Parses {@code random-walk}, {@code random_walk}, {@code counter}, ... (case-insensitive); null if none. */
    public static ValueShape parse(final String text) {
        final String norm = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (ValueShape s : values()) {
            if (s.name().equals(norm)) {
                return s;
            }
        }
        return null;
    }

    /** The first value of series {@code seriesId} under seed {@code seed}; also initialises {@code rng[seriesId]}. */
    public double initial(final long seed, final int seriesId, final long[] rng) {
        rng[seriesId] = mix(seed * 31 + seriesId + 1);
        return switch (this) {
            case RANDOM_WALK, GAPS -> Math.floor(uniform(rng, seriesId) * 10000) / 100;
            case COUNTER -> Math.floor(uniform(rng, seriesId) * 1000);
            case SINE -> 50;
            case SPIKES -> 10;
        };
    }

    /**
     * The value at {@code round} given the previous one; {@link Double#NaN} means "no sample this round"
     * ({@link #GAPS} only). Advances {@code rng[seriesId]}.
     */
    public double next(final double previous, final long round, final int seriesId, final long[] rng) {
        final double u = uniform(rng, seriesId);
        return switch (this) {
            case RANDOM_WALK -> walk(previous, u);
            case GAPS -> uniform(rng, seriesId) < 0.1 ? Double.NaN : walk(previous, u);
            case COUNTER -> previous + Math.floor(u * 100);
            case SINE -> 50 + 40 * Math.sin(2 * Math.PI * (round + seriesId % SINE_PERIOD_ROUNDS) / SINE_PERIOD_ROUNDS);
            case SPIKES -> u < 0.01 ? 100 + Math.floor(uniform(rng, seriesId) * 100) / 10
                : 10 + Math.floor(u * 100) / 100;
        };
    }

    private static double walk(final double previous, final double u) {
        double v = previous + Math.floor(u * 201 - 100) / 100;
        if (v < 0) {
            v = -v;
        }
        if (v > 100) {
            v = 200 - v;
        }
        return Math.round(v * 100) / 100.0;
    }

    /** SplitMix64 step: a uniform double in [0, 1). */
    static double uniform(final long[] rng, final int i) {
        rng[i] += GOLDEN_GAMMA;
        return (mix(rng[i]) >>> 11) * 0x1.0p-53;
    }

    private static long mix(final long z0) {
        long z = (z0 ^ (z0 >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
