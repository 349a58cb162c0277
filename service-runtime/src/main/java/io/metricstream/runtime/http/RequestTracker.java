package io.metricstream.runtime.http;

import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Counts a server's in-flight requests and holds its open connections, for graceful shutdown. Thread-safe.
 * The count is a {@link LongAdder}: every event loop adds and subtracts once per request, and only the drain reads
 * the sum, so the loops do not share one contended cache line.
 */
public final class RequestTracker {
    private final LongAdder inFlight = new LongAdder();
    private final ChannelGroup connections = new DefaultChannelGroup("http", GlobalEventExecutor.INSTANCE);
    private volatile boolean draining;

    void begin() {
        inFlight.increment();
    }

    void end() {
        inFlight.decrement();
    }

    ChannelGroup connections() {
        return connections;
    }

    /** Requests received and not yet answered. */
    public int inFlight() {
        return (int) inFlight.sum();
    }

    /** True once draining started: responses then carry {@code Connection: close}. */
    public boolean draining() {
        return draining;
    }

    /** Starts draining. */
    public void startDraining() {
        draining = true;
    }

    /** Waits until no request is in flight or {@code timeout} passes; returns true when drained. */
    public boolean awaitDrained(Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.sum() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        return true;
    }

    /** Closes every open connection and waits up to {@code timeout}. */
    public void closeConnections(Duration timeout) {
        connections.close().awaitUninterruptibly(timeout.toMillis());
    }
}
