package io.metricstream.contracts.json;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.MetricNames;
import java.util.Arrays;
import java.util.Objects;

/**
 * A reusable scratch list of (name, value) label pairs, handed to a {@link SampleSink} sorted by name with unique
 * names and non-empty values. It never holds {@code __name__}: {@link #toLabelSet} adds it. The arrays grow once
 * to the largest label count seen and are reused for every sample after.
 *
 * <p>Not thread-safe; owned by the parser that fills it ({@link SeedJsonCodec}).
 */
public final class MutableLabels {
    private static final int INITIAL_CAPACITY = 8;

    private String[] names = new String[INITIAL_CAPACITY];
    private String[] values = new String[INITIAL_CAPACITY];
    private int size;

    /** An empty list; parsers keep one and refill it per sample. */
    public MutableLabels() {
    }

    /** Number of labels. */
    public int size() {
        return size;
    }

    /** Name of the i-th label in name order. */
    public String name(final int i) {
        return names[Objects.checkIndex(i, size)];
    }

    /** Value of the i-th label in name order. */
    public String value(final int i) {
        return values[Objects.checkIndex(i, size)];
    }

    /** Value of label {@code name}, or {@code null} when absent. */
    public String get(final String name) {
        final int i = Arrays.binarySearch(names, 0, size, name);
        return i >= 0 ? values[i] : null;
    }

    /** Builds the immutable series label set: these labels plus {@code __name__=metricName}. Allocates. */
    public LabelSet toLabelSet(final CharSequence metricName) {
        final LabelSet.Builder builder = LabelSet.builder().add(MetricNames.METRIC_NAME_LABEL, metricName.toString());
        for (int i = 0; i < size; i++) {
            builder.add(names[i], values[i]);
        }
        return builder.build();
    }

    /** Prometheus notation without the metric name: {@code {a="1", b="2"}}. */
    @Override
    public String toString() {
        final StringBuilder sb = new StringBuilder().append('{');
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(names[i]).append("=\"").append(values[i]).append('"');
        }
        return sb.append('}').toString();
    }

    /** Empties the list for the next sample. */
    public void clear() {
        Arrays.fill(names, 0, size, null);
        Arrays.fill(values, 0, size, null);
        size = 0;
    }

    /**
     * Appends a pair in arrival order; an empty value is kept until {@link #sortAndCompact()}. The caller has
     * validated the name (a valid, unreserved label name).
     */
    public void add(final String name, final String value) {
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        names[size] = name;
        values[size] = value;
        size++;
    }

    /**
     * Sorts by name (insertion sort: label counts are small and bounded), then drops pairs with empty values.
     * Returns the first duplicated name, or {@code null} when names are unique; allocation-free.
     */
    public String sortAndCompact() {
        for (int i = 1; i < size; i++) {
            final String name = names[i];
            final String value = values[i];
            int j = i - 1;
            while (j >= 0 && names[j].compareTo(name) > 0) {
                names[j + 1] = names[j];
                values[j + 1] = values[j];
                j--;
            }
            names[j + 1] = name;
            values[j + 1] = value;
        }
        for (int i = 1; i < size; i++) {
            if (names[i].equals(names[i - 1])) {
                return names[i];
            }
        }
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (!values[i].isEmpty()) {
                names[kept] = names[i];
                values[kept] = values[i];
                kept++;
            }
        }
        Arrays.fill(names, kept, size, null);
        Arrays.fill(values, kept, size, null);
        size = kept;
        return null;
    }
}
