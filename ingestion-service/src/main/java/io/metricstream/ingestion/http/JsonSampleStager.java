package io.metricstream.ingestion.http;

import io.metricstream.contracts.json.MutableLabels;
import io.metricstream.contracts.json.SampleSink;
import io.metricstream.contracts.model.MetricNames;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.wire.Hashing;
import io.metricstream.ingestion.format.ParseError;
import io.metricstream.ingestion.format.ParseLimits;
import io.metricstream.ingestion.format.StagedSamples;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * The {@link SampleSink} of {@code SeedJsonCodec}: writes each sample's series key ({@code __name__} merged into
 * the codec's name-sorted labels; names are ASCII, so String order is byte order) and stages the sample. A
 * sample's {@code client_id} picks its partition; the hash of the last id is kept, so a body from one client
 * hashes its id once. Not thread-safe; one per event loop, pointed at each request's staging.
 *
 * <p>Length limits: the codec counts UTF-16 chars, the series key stores UTF-8 bytes in uint16 lengths, and the
 * Influx and remote-write parsers bound UTF-8 bytes. The codec is configured with the byte limits as char limits
 * (a string never has more chars than UTF-8 bytes, so everything it refuses breaks the byte limit too), and this
 * sink checks the UTF-8 length of the metric name (against {@code max_label_value_length}: it is the value of
 * {@code __name__}), of every label name and every label value it is handed. The first breach is kept as the
 * request's {@link #error()}; later samples are not staged. {@code ByteBufUtil.utf8Bytes} counts without
 * allocating.
 */
final class JsonSampleStager implements SampleSink {
    private final ByteBuf clientScratch = Unpooled.buffer(64);
    private final ParseLimits limits;
    private StagedSamples out;
    private boolean overflow;
    private ParseError error;
    private int index;
    private String lastClient;
    private long lastClientHash;

    JsonSampleStager(final ParseLimits limits) {
        this.limits = limits;
    }

    void begin(final StagedSamples staging) {
        this.out = staging;
        this.overflow = false;
        this.error = null;
        this.index = 0;
    }

    /** The first sample that broke a UTF-8 length limit, or null. */
    ParseError error() {
        return error;
    }

    /** Whether a sample did not fit {@code max_samples_per_request}. */
    boolean overflow() {
        return overflow;
    }

    void end() {
        out = null;
    }

    @Override
    public void sample(final CharSequence metricName, final MutableLabels labels, final long timestampMs,
                       final double value, final CharSequence clientIdOrNull) {
        final int sampleIndex = index++;
        if (error != null || !withinLimits(sampleIndex, metricName, labels)) {
            return;
        }
        final ByteBuf keys = out.keys();
        final int keyAt = keys.writerIndex();
        keys.writeShort(labels.size() + 1);
        boolean nameWritten = false;
        for (int i = 0; i < labels.size(); i++) {
            final String n = labels.name(i);
            if (!nameWritten && n.compareTo(MetricNames.METRIC_NAME_LABEL) > 0) {
                SeriesKeyCodec.writeLabel(keys, MetricNames.METRIC_NAME_LABEL, metricName);
                nameWritten = true;
            }
            SeriesKeyCodec.writeLabel(keys, n, labels.value(i));
        }
        if (!nameWritten) {
            SeriesKeyCodec.writeLabel(keys, MetricNames.METRIC_NAME_LABEL, metricName);
        }
        if (clientIdOrNull != null) {
            out.endSeries(keyAt, clientHash(clientIdOrNull));
        } else {
            out.endSeries(keyAt);
        }
        if (!out.addSample(timestampMs, Double.doubleToRawLongBits(value))) {
            overflow = true;
        }
    }

    private boolean withinLimits(final int sampleIndex, final CharSequence metricName, final MutableLabels labels) {
        final int nameBytes = ByteBufUtil.utf8Bytes(metricName);
        if (nameBytes > limits.maxLabelValueLength()) {
            error = new ParseError(sampleIndex, ParseError.NONE, "name", "metric name too long: got " + nameBytes
                + " bytes of UTF-8; want <= " + limits.maxLabelValueLength());
            return false;
        }
        for (int i = 0; i < labels.size(); i++) {
            final String n = labels.name(i);
            final int nBytes = ByteBufUtil.utf8Bytes(n);
            if (nBytes > limits.maxLabelNameLength()) {
                error = new ParseError(sampleIndex, ParseError.NONE, "labels." + n, "label name too long: got "
                    + nBytes + " bytes of UTF-8; want <= " + limits.maxLabelNameLength());
                return false;
            }
            final int vBytes = ByteBufUtil.utf8Bytes(labels.value(i));
            if (vBytes > limits.maxLabelValueLength()) {
                error = new ParseError(sampleIndex, ParseError.NONE, "labels." + n, "label value too long: got "
                    + vBytes + " bytes of UTF-8; want <= " + limits.maxLabelValueLength());
                return false;
            }
        }
        return true;
    }

    private long clientHash(final CharSequence clientId) {
        if (lastClient != null && lastClient.contentEquals(clientId)) {
            return lastClientHash;
        }
        clientScratch.clear();
        ByteBufUtil.writeUtf8(clientScratch, clientId);
        lastClientHash = Hashing.hash64(clientScratch, 0, clientScratch.writerIndex());
        lastClient = clientId.toString();
        return lastClientHash;
    }
}
