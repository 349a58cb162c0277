package io.metricstream.runtime.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counters sharing one name and a fixed list of label names, one child per label-value combination
 * ({@code samples_rejected_total{reason="bad_name"}}). Children are cached: keep the returned {@link Counter} in a
 * field on hot paths. Thread-safe.
 */
public final class CounterFamily {
    private final List<String> labelNames;
    private final Map<List<String>, Counter> children = new ConcurrentHashMap<>();

    CounterFamily(List<String> labelNames) {
        this.labelNames = List.copyOf(labelNames);
    }

    /** The label names, fixed at registration. */
    public List<String> labelNames() {
        return labelNames;
    }

    /** The child counter for {@code labelValues} (one per label name, in order), created on first use. */
    public Counter labels(String... labelValues) {
        if (labelValues.length != labelNames.size()) {
            throw new IllegalArgumentException("label values: got " + labelValues.length + "; want "
                + labelNames.size() + " " + labelNames);
        }
        return children.computeIfAbsent(Arrays.asList(labelValues.clone()), k -> new Counter());
    }

    Map<List<String>, Counter> children() {
        return children;
    }
}
