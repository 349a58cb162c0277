package io.metricstream.contracts.wire;

import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Seeded randomness for property tests, from {@link io.metricstream.testsupport.Seeds} under the calling test's name
 * ({@code -DClass.method.seed=N} or {@code -Dtest.seed=N} replays it); the seed is named on failure.
 */
public final class Seeds {
    private Seeds() {
    }

    /** Runs {@code body} with a seeded random, rethrowing any failure with the seed in the message. */
    public static void withSeed(final String property, final Consumer<SplittableRandom> body) {
        final String name = io.metricstream.testsupport.Seeds.callerName(1);
        final long seed = io.metricstream.testsupport.Seeds.seed(name);
        try {
            body.accept(new SplittableRandom(seed));
        } catch (final AssertionError | RuntimeException e) {
            throw new AssertionError(property + " failed with seed " + seed + " (replay with -D" + name + ".seed="
                + seed + ")", e);
        }
    }
}
