package io.metricstream.ingestion.http;

import io.metricstream.contracts.json.MutableLabels;
import io.metricstream.contracts.json.SampleSink;
import io.metricstream.contracts.model.MetricNames;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.wire.Hashing;
import io.metricstream.ingestion.format.StagedSamples;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * The {@link SampleSink} of {@code SeedJsonCodec}: writes each sample's series key ({@code __name__} merged into
 * the codec's name-sorted labels; names are ASCII, so String order is byte order) and stages the sample. A
 * sample's {@code client_id} picks its partition; the hash of the last id is kept, so a body from one client
 * hashes its id once. Not thread-safe; one per event loop, pointed at each request's staging.
 */
final class JsonSampleStager implements SampleSink {
    private final ByteBuf clientScratch = Unpooled.buffer(64);
    private StagedSamples out;
    private boolean overflow;
    private String lastClient;
    private long lastClientHash;

    void begin(final StagedSamples staging) {
        this.out = staging;
        this.overflow = false;
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
