package io.metricstream.loadgen.encode;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.MetricNames;
import io.metricstream.loadgen.generate.SampleBatch;
import io.metricstream.loadgen.generate.SeriesCatalog;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Prometheus text exposition lines with millisecond timestamps and no comments, as
 * {@code peers/gen.py --format prom} writes them (VictoriaMetrics {@code /api/v1/import/prometheus}):
 * {@code name{a="1",b="2"} 1.23 1704067200000\n}.
 */
public final class PromTextEncoder implements BodyEncoder {
    private final SeriesCatalog catalog;
    private final SeriesPrefixes prefixes;

    /** An encoder for {@code catalog}'s series. */
    public PromTextEncoder(final SeriesCatalog catalog) {
        this.catalog = catalog;
        this.prefixes = new SeriesPrefixes(catalog, PromTextEncoder::prefix);
    }

    @Override
    public void encode(final SampleBatch batch, final ByteBuf out) {
        for (int i = 0; i < batch.size(); i++) {
            final int id = batch.seriesId(i);
            out.writeBytes(prefixes.of(id));
            TextValues.writeValue(out, batch.value(i), catalog.style(id));
            out.writeByte(' ');
            TextValues.writeLong(out, batch.timestampMs(i));
            out.writeByte('\n');
        }
    }

    static byte[] prefix(final LabelSet labels) {
        final StringBuilder sb = new StringBuilder(64).append(labels.metricName()).append('{');
        boolean first = true;
        for (int l = 0; l < labels.size(); l++) {
            if (labels.name(l).equals(MetricNames.METRIC_NAME_LABEL)) {
                continue;
            }
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append(labels.name(l)).append("=\"");
            final String v = labels.value(l);
            for (int i = 0; i < v.length(); i++) {
                final char c = v.charAt(i);
                switch (c) {
                    case '\\' -> sb.append("\\\\");
                    case '"' -> sb.append("\\\"");
                    case '\n' -> sb.append("\\n");
                    default -> sb.append(c);
                }
            }
            sb.append('"');
        }
        return sb.append("} ").toString().getBytes(StandardCharsets.UTF_8);
    }
}
