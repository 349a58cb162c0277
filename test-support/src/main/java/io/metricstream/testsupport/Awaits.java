package io.metricstream.testsupport;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Condition waits with a deadline; the only way tests wait (Thread.sleep is forbidden). */
public final class Awaits {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private Awaits() {
    }

    /**
     * Polls {@code condition} until it holds or {@code timeout} passes.
     *
     * @throws AssertionError naming {@code description} when the deadline passes first
     */
    public static void await(Duration timeout, BooleanSupplier condition, Supplier<String> description) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + "ms waiting for "
                    + description.get());
            }
            LockSupport.parkNanos(POLL_NANOS);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + description.get());
            }
        }
    }

    /** Same as {@link #await(Duration, BooleanSupplier, Supplier)} with a fixed description. */
    public static void await(Duration timeout, BooleanSupplier condition, String description) {
        await(timeout, condition, () -> description);
    }
}
