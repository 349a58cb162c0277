package io.metricstream.contracts.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable label set sorted by label name: the identity of a series, metric name included as
 * {@code __name__}. Equality and ordering follow the labels; {@link #toString()} prints the
 * Prometheus notation {@code name{a="1",b="2"}}.
 *
 * <p>Immutable after construction; safe to share between threads.
 */
public final class LabelSet implements Comparable<LabelSet> {
    /** The empty label set. */
    public static final LabelSet EMPTY = new LabelSet(new String[0], new String[0]);

    private final String[] names;
    private final String[] values;
    private int hash;

    private LabelSet(final String[] names, final String[] values) {
        this.names = names;
        this.values = values;
    }

    /**
     * Builds a label set from alternating names and values, e.g. {@code of("__name__", "up", "job", "api")}.
     * Empty values are dropped, as in Prometheus. Duplicate names are a programming error.
     */
    public static LabelSet of(final String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("odd number of arguments: got " + namesAndValues.length);
        }
        final Builder builder = builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            builder.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return builder.build();
    }

    /** Builds a label set from a map of label name to value. */
    public static LabelSet fromMap(final Map<String, String> labels) {
        final Builder builder = builder();
        labels.forEach(builder::add);
        return builder.build();
    }

    /** Returns a new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder holding this set's labels, to derive a new set. */
    public Builder toBuilder() {
        final Builder builder = builder();
        for (int i = 0; i < names.length; i++) {
            builder.add(names[i], values[i]);
        }
        return builder;
    }

    /** Number of labels. */
    public int size() {
        return names.length;
    }

    /** Name of the i-th label in name order. */
    public String name(final int i) {
        return names[i];
    }

    /** Value of the i-th label in name order. */
    public String value(final int i) {
        return values[i];
    }

    /** Value of label {@code name}, or {@code null} when absent. */
    public String get(final String name) {
        final int i = Arrays.binarySearch(names, name);
        return i >= 0 ? values[i] : null;
    }

    /** The metric name ({@code __name__}), or {@code null}. */
    public String metricName() {
        return get(MetricNames.METRIC_NAME_LABEL);
    }

    /** Returns this set without {@code __name__}. */
    public LabelSet withoutMetricName() {
        final int i = Arrays.binarySearch(names, MetricNames.METRIC_NAME_LABEL);
        if (i < 0) {
            return this;
        }
        final String[] n = new String[names.length - 1];
        final String[] v = new String[names.length - 1];
        System.arraycopy(names, 0, n, 0, i);
        System.arraycopy(values, 0, v, 0, i);
        System.arraycopy(names, i + 1, n, i, names.length - i - 1);
        System.arraycopy(values, i + 1, v, i, names.length - i - 1);
        return new LabelSet(n, v);
    }

    /** Returns a map view copy (name order). */
    public Map<String, String> toMap() {
        final Map<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            map.put(names[i], values[i]);
        }
        return map;
    }

    @Override
    public boolean equals(final Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof LabelSet other)) {
            return false;
        }
        return Arrays.equals(names, other.names) && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = 31 * Arrays.hashCode(names) + Arrays.hashCode(values);
            hash = h;
        }
        return h;
    }

    @Override
    public int compareTo(final LabelSet o) {
        final int n = Math.min(names.length, o.names.length);
        for (int i = 0; i < n; i++) {
            int c = names[i].compareTo(o.names[i]);
            if (c != 0) {
                return c;
            }
            c = values[i].compareTo(o.values[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(names.length, o.names.length);
    }

    /** Prometheus notation: {@code name{a="1"}}, or {@code {a="1"}} without a metric name. */
    @Override
    public String toString() {
        final StringBuilder sb = new StringBuilder();
        final String metric = metricName();
        if (metric != null) {
            sb.append(metric);
        }
        sb.append('{');
        boolean first = true;
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(MetricNames.METRIC_NAME_LABEL)) {
                continue;
            }
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(names[i]).append("=\"");
            escape(values[i], sb);
            sb.append('"');
        }
        return sb.append('}').toString();
    }

    private static void escape(final String value, final StringBuilder sb) {
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
    }

    /** Collects labels in any order; {@link #build()} sorts them. Not thread-safe. */
    public static final class Builder {
        private final List<String[]> pairs = new ArrayList<>();

        /** Adds (or replaces) a label; an empty value removes it, as in Prometheus. */
        public Builder add(final String name, final String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            remove(name);
            if (!value.isEmpty()) {
                pairs.add(new String[] {name, value});
            }
            return this;
        }

        /** Removes a label if present. */
        public Builder remove(final String name) {
            pairs.removeIf(p -> p[0].equals(name));
            return this;
        }

        /** Returns the sorted, immutable label set. */
        public LabelSet build() {
            pairs.sort((a, b) -> a[0].compareTo(b[0]));
            final String[] n = new String[pairs.size()];
            final String[] v = new String[pairs.size()];
            for (int i = 0; i < n.length; i++) {
                n[i] = pairs.get(i)[0];
                v[i] = pairs.get(i)[1];
            }
            return new LabelSet(n, v);
        }
    }
}
