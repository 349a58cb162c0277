package io.metricstream.loadgen.encode;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.MetricNames;
import io.metricstream.loadgen.generate.SampleBatch;
import io.metricstream.loadgen.generate.SeriesCatalog;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The seed's JSON ({@code POST /metrics}): one object for a one-sample batch (exactly what the seed's clients
 * sent), else an array of objects:
 * {@code {"name":"cpu","labels":{"host":"h00"},"timestamp":1704067200000,"value":1.5}}. Timestamps are epoch ms;
 * NaN and infinities are written as the strings {@code "NaN"}, {@code "+Inf"}, {@code "-Inf"}.
 */
public final class SeedJsonEncoder implements BodyEncoder {
    private final SeriesCatalog catalog;
    private final byte[][] prefixes;
    private final boolean lines;

    /** An encoder for {@code catalog}'s series (one object, or an array). */
    public SeedJsonEncoder(final SeriesCatalog catalog) {
        this(catalog, false);
    }

    /** An encoder for {@code catalog}'s series; {@code lines}: JSON lines (gen.py {@code --format jsonl}). */
    public SeedJsonEncoder(final SeriesCatalog catalog, final boolean lines) {
        this.catalog = catalog;
        this.prefixes = new byte[catalog.size()][];
        this.lines = lines;
    }

    @Override
    public void encode(final SampleBatch batch, final ByteBuf out) {
        final boolean array = !lines && batch.size() != 1;
        if (array) {
            out.writeByte('[');
        }
        for (int i = 0; i < batch.size(); i++) {
            if (i > 0 && !lines) {
                out.writeByte(',');
            }
            final int id = batch.seriesId(i);
            byte[] prefix = prefixes[id];
            if (prefix == null) {
                prefix = prefix(catalog.labels(id));
                prefixes[id] = prefix;
            }
            out.writeBytes(prefix);
            TextValues.writeLong(out, batch.timestampMs(i));
            out.writeBytes(VALUE_KEY);
            final double v = batch.value(i);
            final boolean quoted = Double.isNaN(v) || Double.isInfinite(v);
            if (quoted) {
                out.writeByte('"');
            }
            TextValues.writeValue(out, v, catalog.style(id));
            if (quoted) {
                out.writeByte('"');
            }
            out.writeByte('}');
            if (lines) {
                out.writeByte('\n');
            }
        }
        if (array) {
            out.writeByte(']');
        }
    }

    private static final byte[] VALUE_KEY = ",\"value\":".getBytes(StandardCharsets.US_ASCII);

    static byte[] prefix(final LabelSet labels) {
        final StringBuilder sb = new StringBuilder(96).append("{\"name\":");
        quote(labels.metricName(), sb);
        if (labels.size() > 1) {
            sb.append(",\"labels\":{");
            boolean first = true;
            for (int l = 0; l < labels.size(); l++) {
                if (labels.name(l).equals(MetricNames.METRIC_NAME_LABEL)) {
                    continue;
                }
                if (!first) {
                    sb.append(',');
                }
                first = false;
                quote(labels.name(l), sb);
                sb.append(':');
                quote(labels.value(l), sb);
            }
            sb.append('}');
        }
        sb.append(",\"timestamp\":");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static void quote(final String s, final StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }
}
