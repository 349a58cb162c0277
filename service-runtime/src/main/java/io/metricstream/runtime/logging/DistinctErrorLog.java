package io.metricstream.runtime.logging;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Logs a repeated error once per key per interval, then a count of what it suppressed (Agrona's
 * {@code DistinctErrorLog}), so a failing dependency cannot flood the logs. Thread-safe. At most
 * {@value #MAX_KEYS} keys are tracked; when full the table is cleared (the worst case is one extra log line per key).
 */
public final class DistinctErrorLog {
    static final int MAX_KEYS = 1024;

    private final Logger logger;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    private static final class Entry {
        final AtomicLong lastLoggedNanos;
        final AtomicLong suppressed = new AtomicLong();

        Entry(long now) {
            this.lastLoggedNanos = new AtomicLong(now);
        }
    }

    /** Logs to {@code logger} at most once per {@code interval} per key. */
    public DistinctErrorLog(Logger logger, Duration interval) {
        this(logger, interval, System::nanoTime);
    }

    /** As above with an explicit clock (tests). */
    public DistinctErrorLog(Logger logger, Duration interval, LongSupplier nanoClock) {
        this.logger = logger;
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * Logs {@code message} and {@code cause} at ERROR unless {@code key} was logged within the interval.
     *
     * @return true when this call logged
     */
    public boolean error(String key, String message, Throwable cause) {
        final String suffix = suffixIfDue(key);
        if (suffix == null) {
            return false;
        }
        logger.error(message + suffix, cause);
        return true;
    }

    /**
     * Logs the message at WARN unless {@code key} was logged within the interval (an expected, repeated refusal,
     * e.g. a configured limit reached); {@code message} is called only when the line is logged.
     *
     * @return true when this call logged
     */
    public boolean warn(String key, Supplier<String> message) {
        final String suffix = suffixIfDue(key);
        if (suffix == null) {
            return false;
        }
        logger.warn(message.get() + suffix);
        return true;
    }

    // null to suppress this line; else what follows its message: nothing the first time, then the count suppressed
    // since the last line. Allocates only when a key is new (callers may sit on hot paths while they repeat).
    private String suffixIfDue(String key) {
        final long now = nanoClock.getAsLong();
        Entry e = entries.get(key);
        if (e == null) {
            if (entries.size() >= MAX_KEYS) {
                entries.clear();
            }
            e = entries.putIfAbsent(key, new Entry(now));
            if (e == null) {
                return "";
            }
        }
        final long last = e.lastLoggedNanos.get();
        if (now - last >= intervalNanos && e.lastLoggedNanos.compareAndSet(last, now)) {
            return " (" + e.suppressed.getAndSet(0) + " similar suppressed)";
        }
        e.suppressed.incrementAndGet();
        return null;
    }

    /** A key for {@code t}: its class and the first frame (so one bug is one key, whatever its message). */
    public static String keyOf(Throwable t) {
        final StackTraceElement[] st = t.getStackTrace();
        return t.getClass().getName() + (st.length > 0 ? "@" + st[0] : "");
    }
}
