package io.metricstream.testsupport;

import java.lang.management.ManagementFactory;

/**
 * Asserts how many bytes an operation allocates on the calling thread, using
 * {@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}: run a warm-up so the JIT settles,
 * then measure a batch of operations and divide.
 */
public final class AllocationAssert {
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocationAssert() {
    }

    /** Returns the mean bytes allocated per call of {@code op} over {@code operations} calls, after a warm-up. */
    public static double bytesPerOperation(Runnable op, int warmupOperations, int operations) {
        if (!THREADS.isThreadAllocatedMemorySupported()) {
            throw new IllegalStateException("this JVM does not report thread allocated bytes");
        }
        THREADS.setThreadAllocatedMemoryEnabled(true);
        for (int i = 0; i < warmupOperations; i++) {
            op.run();
        }
        final long tid = Thread.currentThread().threadId();
        // The measurement itself allocates nothing after the first call; calling twice primes it.
        THREADS.getThreadAllocatedBytes(tid);
        final long before = THREADS.getThreadAllocatedBytes(tid);
        for (int i = 0; i < operations; i++) {
            op.run();
        }
        final long after = THREADS.getThreadAllocatedBytes(tid);
        return (double) (after - before) / operations;
    }

    /** Fails unless {@code op} allocates at most {@code maxBytesPerOperation} bytes per call after warm-up. */
    public static void assertAllocatesAtMost(double maxBytesPerOperation, Runnable op) {
        final double measured = bytesPerOperation(op, 20_000, 100_000);
        if (measured > maxBytesPerOperation) {
            throw new AssertionError("allocates " + measured + " bytes per operation; want <= "
                + maxBytesPerOperation);
        }
    }
}
