package io.metricstream.runtime.metrics;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * One service's metrics, exported on its {@code /metrics}. Registration is thread-safe and a duplicated name is a
 * programming error; recording on the returned objects is lock-free.
 */
public final class MetricsRegistry {
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** The kind of a registered metric, as written on its TYPE line. */
    public enum Kind { COUNTER, GAUGE, SUMMARY }

    /**
     * A registered metric.
     *
     * @param name       metric name
     * @param help       HELP text
     * @param kind       TYPE
     * @param labelNames label names for families (empty otherwise)
     * @param value      the {@link Counter}, {@link CounterFamily}, {@link LongSupplier}, {@link DoubleSupplier} or
     *                   {@link LatencyRecorder}
     */
    public record Metric(String name, String help, Kind kind, List<String> labelNames, Object value) {
    }

    private final Map<String, Metric> metrics = new ConcurrentSkipListMap<>();

    /** Registers a counter; by convention {@code name} ends in {@code _total}. */
    public Counter counter(String name, String help) {
        final Counter c = new Counter();
        register(new Metric(name, help, Kind.COUNTER, List.of(), c));
        return c;
    }

    /** Registers a labelled counter family with fixed {@code labelNames}. */
    public CounterFamily counterFamily(String name, String help, String... labelNames) {
        for (String l : labelNames) {
            if (!LABEL_NAME.matcher(l).matches() || l.startsWith("__")) {
                throw new IllegalArgumentException("bad label name: got \"" + l + "\"");
            }
        }
        final CounterFamily f = new CounterFamily(List.of(labelNames));
        register(new Metric(name, help, Kind.COUNTER, List.of(labelNames), f));
        return f;
    }

    /**
     * Registers a counter whose monotonic total is read from {@code value} at scrape time (a count kept elsewhere,
     * e.g. by a single-writer thread); by convention {@code name} ends in {@code _total}.
     */
    public void counterFunction(String name, String help, LongSupplier value) {
        register(new Metric(name, help, Kind.COUNTER, List.of(), value));
    }

    /** Registers a gauge read from {@code value} at scrape time (on the scraping thread). */
    public void gauge(String name, String help, LongSupplier value) {
        register(new Metric(name, help, Kind.GAUGE, List.of(), value));
    }

    /** Registers a floating-point gauge read from {@code value} at scrape time. */
    public void doubleGauge(String name, String help, DoubleSupplier value) {
        register(new Metric(name, help, Kind.GAUGE, List.of(), value));
    }

    /** Registers a latency summary; by convention {@code name} ends in {@code _seconds}. */
    public LatencyRecorder latency(String name, String help) {
        final LatencyRecorder r = new LatencyRecorder();
        register(new Metric(name, help, Kind.SUMMARY, List.of(), r));
        return r;
    }

    /** Every metric, sorted by name. */
    public Collection<Metric> metrics() {
        return metrics.values();
    }

    private void register(Metric m) {
        if (!METRIC_NAME.matcher(m.name()).matches()) {
            throw new IllegalArgumentException("bad metric name: got \"" + m.name() + "\"");
        }
        if (metrics.putIfAbsent(m.name(), m) != null) {
            throw new IllegalArgumentException("metric " + m.name() + " registered twice");
        }
    }
}
