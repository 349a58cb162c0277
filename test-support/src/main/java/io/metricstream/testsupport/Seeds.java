package io.metricstream.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeds of the randomized tests, so any run replays from its log. {@code seed("name")} returns
 * {@code -Dname.seed=N}, else {@code -Dtest.seed=N}, else a fresh seed, and prints {@code name seed=N};
 * {@code seed()} names it {@code Class.method} after the calling test.
 * Surefire sends test output to a file, so {@link SeedsExtension} also names the test's seeds in its failure.
 */
public final class Seeds {
    /** Global override: {@code mvn verify -Dtest.seed=N} replays every randomized test with N. */
    public static final String GLOBAL_PROPERTY = "test.seed";

    // the -Dname.seed=N of each seed the running test drew on this thread; cleared before each test by SeedsExtension
    private static final ThreadLocal<List<String>> DRAWN = ThreadLocal.withInitial(ArrayList::new);

    private Seeds() {
    }

    /** The seed for {@code name}: {@code -Dname.seed}, {@code -Dtest.seed} or a fresh one; printed either way. */
    public static long seed(final String name) {
        Long given = Long.getLong(name + ".seed");
        if (given == null) {
            given = Long.getLong(GLOBAL_PROPERTY);
        }
        final long seed = given != null ? given : new SplittableRandom().nextLong();
        System.out.println(name + " seed=" + seed);
        DRAWN.get().add("-D" + name + ".seed=" + seed);
        return seed;
    }

    /** {@link #seed(String)} named after the calling test method: {@code -DClass.method.seed=N} replays it. */
    public static long seed() {
        return seed(callerName(1));
    }

    /**
     * The {@code Class.method} name of a calling test, for a seed helper that names seeds after it: {@code depth} 0
     * is the method that calls this one, 1 its caller.
     */
    public static String callerName(final int depth) {
        return StackWalker.getInstance().walk(frames -> frames.skip(1 + depth).findFirst()
            .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "." + f.getMethodName())
            .orElseThrow());
    }

    static List<String> drawn() {
        return DRAWN.get();
    }
}
