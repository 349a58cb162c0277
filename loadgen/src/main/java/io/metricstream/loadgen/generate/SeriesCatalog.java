package io.metricstream.loadgen.generate;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.MetricNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The series of a run by dense id: label set (metric name included as {@code __name__}) and value style.
 * Encoders and the verifier address series by id, so a sample costs three primitives. Built once; immutable
 * after {@link Builder#build()} and safe to share between threads.
 */
public final class SeriesCatalog {
    private final LabelSet[] labels;
    private final ValueStyle[] styles;
    private final Map<LabelSet, Integer> idsByLabels;

    private SeriesCatalog(final List<LabelSet> labels, final List<ValueStyle> styles) {
        this.labels = labels.toArray(new LabelSet[0]);
        this.styles = styles.toArray(new ValueStyle[0]);
        this.idsByLabels = new HashMap<>(labels.size() * 2);
        for (int i = 0; i < this.labels.length; i++) {
            idsByLabels.put(this.labels[i], i);
        }
    }

    /** Returns a new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Number of series. */
    public int size() {
        return labels.length;
    }

    /** Labels of series {@code id}, {@code __name__} included. */
    public LabelSet labels(final int id) {
        return labels[id];
    }

    /** Metric name of series {@code id}. */
    public String metricName(final int id) {
        return labels[id].metricName();
    }

    /** Value style of series {@code id}. */
    public ValueStyle style(final int id) {
        return styles[id];
    }

    /** Id of the series with exactly these labels, or -1. */
    public int idOf(final LabelSet set) {
        final Integer id = idsByLabels.get(set);
        return id == null ? -1 : id;
    }

    /** Collects series in id order. Not thread-safe. */
    public static final class Builder {
        private final List<LabelSet> labels = new ArrayList<>();
        private final List<ValueStyle> styles = new ArrayList<>();

        /** Adds a series and returns its id; the label set must carry a valid metric name. */
        public int add(final LabelSet set, final ValueStyle style) {
            final String name = set.metricName();
            if (name == null || !MetricNames.isValidMetricName(name)) {
                throw new IllegalArgumentException("series needs a valid __name__: got " + set);
            }
            labels.add(set);
            styles.add(style);
            return labels.size() - 1;
        }

        /** Adds a series (chainable form of {@link #add}). */
        public Builder series(final LabelSet set, final ValueStyle style) {
            add(set, style);
            return this;
        }

        /** Number of series added so far. */
        public int size() {
            return labels.size();
        }

        /** Returns the immutable catalog. */
        public SeriesCatalog build() {
            return new SeriesCatalog(labels, styles);
        }
    }
}
