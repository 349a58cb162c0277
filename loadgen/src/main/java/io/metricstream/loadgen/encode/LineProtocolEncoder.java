package io.metricstream.loadgen.encode;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.MetricNames;
import io.metricstream.loadgen.generate.SampleBatch;
import io.metricstream.loadgen.generate.SeriesCatalog;
import io.metricstream.loadgen.generate.ValueStyle;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Influx line protocol, one field per line, as {@code peers/gen.py --format lp} writes it:
 * {@code <metric>,<tag>=<v>,... value=<v> <timestamp>\n}. Tags are the labels minus {@code __name__} in name
 * order; {@link ValueStyle#INTEGER} series are written as integer fields ({@code 123i}), {@link ValueStyle#DECIMAL2}
 * with two decimals. Timestamps are written in {@code precision} (the writer must pass the same
 * {@code precision=} query argument).
 */
public final class LineProtocolEncoder implements BodyEncoder {
    /** Timestamp unit. */
    public enum Precision {
        /** Nanoseconds (Influx's default when no precision is given). */
        NS(1_000_000L),
        /** Microseconds. */
        US(1000L),
        /** Milliseconds. */
        MS(1L),
        /** Seconds (timestamps are floored). */
        S(0L);

        private final long multiplierFromMs;

        Precision(final long multiplierFromMs) {
            this.multiplierFromMs = multiplierFromMs;
        }

        /** A millisecond timestamp in this unit. */
        public long fromMs(final long ms) {
            return multiplierFromMs == 0 ? Math.floorDiv(ms, 1000L) : ms * multiplierFromMs;
        }

        /** The query argument value: ns, us, ms or s. */
        public String queryValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Field name every line carries. */
    public static final String FIELD = "value";

    private final SeriesCatalog catalog;
    private final Precision precision;
    private final SeriesPrefixes prefixes;

    /** An encoder for {@code catalog}'s series. */
    public LineProtocolEncoder(final SeriesCatalog catalog, final Precision precision) {
        this.catalog = catalog;
        this.precision = precision;
        this.prefixes = new SeriesPrefixes(catalog, LineProtocolEncoder::prefix);
    }

    @Override
    public void encode(final SampleBatch batch, final ByteBuf out) {
        for (int i = 0; i < batch.size(); i++) {
            final int id = batch.seriesId(i);
            out.writeBytes(prefixes.of(id));
            final ValueStyle style = catalog.style(id);
            TextValues.writeValue(out, batch.value(i), style);
            if (style == ValueStyle.INTEGER) {
                out.writeByte('i');
            }
            out.writeByte(' ');
            TextValues.writeLong(out, precision.fromMs(batch.timestampMs(i)));
            out.writeByte('\n');
        }
    }

    /** {@code metric,tag=v,... value=} with line-protocol escaping. */
    static byte[] prefix(final LabelSet labels) {
        final StringBuilder sb = new StringBuilder(64);
        escape(labels.metricName(), sb, false);
        for (int l = 0; l < labels.size(); l++) {
            if (labels.name(l).equals(MetricNames.METRIC_NAME_LABEL)) {
                continue;
            }
            sb.append(',');
            escape(labels.name(l), sb, true);
            sb.append('=');
            escape(labels.value(l), sb, true);
        }
        sb.append(' ').append(FIELD).append('=');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void escape(final String s, final StringBuilder sb, final boolean tag) {
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c == ',' || c == ' ' || tag && c == '=') {
                sb.append('\\');
            }
            sb.append(c);
        }
    }
}
