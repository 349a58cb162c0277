package io.metricstream.contracts.json;

/**
 * Seeds for the randomized tests: {@code -Dseed=N} replays a run, otherwise each run draws a new seed. A failure
 * is rethrown with the seed in its message.
 */
final class Seeds {
    private Seeds() {
    }

    /** The seed given with {@code -Dseed}, or a fresh one. */
    static long seed() {
        final Long given = Long.getLong("seed");
        return given != null ? given : System.nanoTime() ^ Thread.currentThread().threadId() * 0x9E3779B97F4A7C15L;
    }

    /** A body of a seeded test. */
    interface SeededBody {
        void run(long seed) throws Exception;
    }

    /** Runs {@code body} with {@link #seed()}; a failure names the seed and how to replay it. */
    static void run(final SeededBody body) throws Exception {
        final long seed = seed();
        try {
            body.run(seed);
        } catch (final AssertionError | Exception e) {
            throw new AssertionError("failed with seed=" + seed + " (replay with -Dseed=" + seed + "): " + e, e);
        }
    }
}
