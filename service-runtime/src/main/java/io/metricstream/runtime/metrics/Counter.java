package io.metricstream.runtime.metrics;

import java.util.concurrent.atomic.LongAdder;

/** A monotonically increasing count; lock-free ({@link LongAdder}), safe on hot paths from any thread. */
public final class Counter {
    private final LongAdder adder = new LongAdder();

    /** Adds one. */
    public void increment() {
        adder.increment();
    }

    /** Adds {@code n}; a negative {@code n} is a programming error. */
    public void add(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("counter decrement: got " + n + "; want >= 0");
        }
        adder.add(n);
    }

    /** The current count. */
    public long value() {
        return adder.sum();
    }
}
