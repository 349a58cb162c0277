package io.metricstream.contracts.json;

/**
 * Runs the randomized tests of this package with a seed from {@link io.metricstream.testsupport.Seeds}, named after
 * the calling test ({@code -DClass.method.seed=N} or {@code -Dtest.seed=N} replays it). A failure is rethrown with
 * the seed in its message.
 */
final class Seeds {
    private Seeds() {
    }

    /** A body of a seeded test. */
    interface SeededBody {
        void run(long seed) throws Exception;
    }

    /** Runs {@code body} with the calling test's seed; a failure names the seed and how to replay it. */
    static void run(final SeededBody body) throws Exception {
        final String name = io.metricstream.testsupport.Seeds.callerName(1);
        final long seed = io.metricstream.testsupport.Seeds.seed(name);
        try {
            body.run(seed);
        } catch (final AssertionError | Exception e) {
            throw new AssertionError("failed with seed=" + seed + " (replay with -D" + name + ".seed=" + seed + "): "
                + e, e);
        }
    }
}
