package io.metricstream.contracts.wire;

import java.util.SplittableRandom;

/** Seeded randomness for property tests: {@code -Dseed=N} replays a run; the seed is printed on failure. */
public final class Seeds {
    private Seeds() {
    }

    /** The seed of this run: {@code -Dseed} or a fresh one. */
    public static long seed() {
        final String fixed = System.getProperty("seed");
        return fixed != null ? Long.parseLong(fixed) : System.nanoTime();
    }

    /** Runs {@code body} with a seeded random, rethrowing any failure with the seed in the message. */
    public static void withSeed(final String property, final java.util.function.Consumer<SplittableRandom> body) {
        final long seed = seed();
        try {
            body.accept(new SplittableRandom(seed));
        } catch (final AssertionError | RuntimeException e) {
            throw new AssertionError(property + " failed with seed " + seed + " (replay with -Dseed=" + seed + ")", e);
        }
    }
}
