package io.metricstream.runtime.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Writes a {@link MetricsRegistry} in the Prometheus text exposition format 0.0.4: HELP and TYPE lines, metrics
 * sorted by name, family children sorted by label values, label values escaped (backslash, quote, newline).
 */
public final class PrometheusTextWriter {
    /** The Content-Type of the exposition. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusTextWriter() {
    }

    /** Returns the exposition of {@code registry}. */
    public static String write(MetricsRegistry registry) {
        final StringBuilder out = new StringBuilder(4096);
        for (MetricsRegistry.Metric m : registry.metrics()) {
            write(m, out);
        }
        return out.toString();
    }

    private static void write(MetricsRegistry.Metric m, StringBuilder out) {
        out.append("# HELP ").append(m.name()).append(' ');
        escapeHelp(m.help(), out);
        out.append('\n').append("# TYPE ").append(m.name()).append(' ')
            .append(m.kind().name().toLowerCase(java.util.Locale.ROOT)).append('\n');
        switch (m.value()) {
            case Counter c -> sample(out, m.name(), null, null, c.value());
            case CounterFamily f -> {
                final List<Map.Entry<List<String>, Counter>> children = new ArrayList<>(f.children().entrySet());
                children.sort((a, b) -> String.join("\u0000", a.getKey()).compareTo(String.join("\u0000", b.getKey())));
                for (Map.Entry<List<String>, Counter> e : children) {
                    sample(out, m.name(), f.labelNames(), e.getKey(), e.getValue().value());
                }
            }
            case LongSupplier g -> sample(out, m.name(), null, null, g.getAsLong());
            case DoubleSupplier g -> sample(out, m.name(), null, null, g.getAsDouble());
            case LatencyRecorder r -> {
                final LatencyRecorder.Snapshot s = r.snapshot();
                for (int i = 0; i < LatencyRecorder.QUANTILES.length; i++) {
                    sample(out, m.name(), List.of("quantile"), List.of(Double.toString(LatencyRecorder.QUANTILES[i])),
                        s.quantileSeconds()[i]);
                }
                sample(out, m.name() + "_sum", null, null, s.sumSeconds());
                sample(out, m.name() + "_count", null, null, s.count());
            }
            default -> throw new IllegalStateException("unknown metric value " + m.value().getClass());
        }
    }

    private static void sample(StringBuilder out, String name, List<String> labelNames, List<String> labelValues,
                               double value) {
        labels(out, name, labelNames, labelValues);
        out.append(formatDouble(value)).append('\n');
    }

    private static void sample(StringBuilder out, String name, List<String> labelNames, List<String> labelValues,
                               long value) {
        labels(out, name, labelNames, labelValues);
        out.append(value).append('\n');
    }

    private static void labels(StringBuilder out, String name, List<String> labelNames, List<String> labelValues) {
        out.append(name);
        if (labelNames != null && !labelNames.isEmpty()) {
            out.append('{');
            for (int i = 0; i < labelNames.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labelNames.get(i)).append("=\"");
                escapeLabelValue(labelValues.get(i), out);
                out.append('"');
            }
            out.append('}');
        }
        out.append(' ');
    }

    /** Formats a sample value: integers without a fraction, NaN and ±Inf as Prometheus spells them. */
    static String formatDouble(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    static void escapeLabelValue(String s, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    static void escapeHelp(String s, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }
}
