package io.metricstream.loadgen.encode;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.loadgen.generate.SampleBatch;
import io.metricstream.loadgen.generate.SeriesCatalog;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.xerial.snappy.Snappy;

/**
 * Prometheus remote write 1.0: a snappy block (not framed) of a protobuf {@code WriteRequest}.
 * <pre>
 *   WriteRequest { repeated TimeSeries timeseries = 1; }
 *   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
 *   Label        { string name = 1; string value = 2; }
 *   Sample       { double value = 1; int64 timestamp = 2; }   // timestamp in ms
 * </pre>
 * Samples of a batch are grouped per series (one TimeSeries per distinct series, samples in batch order), as
 * Prometheus senders do; labels are in name order. Scratch buffers grow once and are reused.
 */
public final class RemoteWriteEncoder implements BodyEncoder {
    private final SeriesCatalog catalog;
    private final byte[][] labelFields;
    private long[] order = new long[0];
    private byte[] raw = new byte[0];
    private byte[] compressed = new byte[0];

    /** An encoder for {@code catalog}'s series. */
    public RemoteWriteEncoder(final SeriesCatalog catalog) {
        this.catalog = catalog;
        this.labelFields = new byte[catalog.size()][];
    }

    @Override
    public void encode(final SampleBatch batch, final ByteBuf out) {
        final ByteBuf pb = ByteBufAllocator.DEFAULT.heapBuffer(batch.size() * 24 + 256);
        try {
            encodeProtobuf(batch, pb);
            final int length = pb.readableBytes();
            if (raw.length < length) {
                raw = new byte[length];
                compressed = new byte[Snappy.maxCompressedLength(length)];
            }
            pb.getBytes(pb.readerIndex(), raw, 0, length);
            final int n = Snappy.rawCompress(raw, 0, length, compressed, 0);
            out.writeBytes(compressed, 0, n);
        } catch (IOException e) {
            throw new UncheckedIOException("snappy compression failed", e);
        } finally {
            pb.release();
        }
    }

    /** Writes the uncompressed protobuf {@code WriteRequest} for {@code batch}. */
    public void encodeProtobuf(final SampleBatch batch, final ByteBuf out) {
        final int n = batch.size();
        if (order.length < n) {
            order = new long[n];
        }
        for (int i = 0; i < n; i++) {
            order[i] = ((long) batch.seriesId(i) << 32) | i;
        }
        Arrays.sort(order, 0, n);
        int start = 0;
        while (start < n) {
            final int id = (int) (order[start] >>> 32);
            int end = start + 1;
            while (end < n && (int) (order[end] >>> 32) == id) {
                end++;
            }
            byte[] labels = labelFields[id];
            if (labels == null) {
                labels = labelFields(catalog.labels(id));
                labelFields[id] = labels;
            }
            int size = labels.length;
            for (int k = start; k < end; k++) {
                final int s = sampleSize(batch.timestampMs((int) order[k]));
                size += 1 + ProtobufWriter.varintSize(s) + s;
            }
            ProtobufWriter.writeTag(out, 1, ProtobufWriter.LENGTH_DELIMITED);
            ProtobufWriter.writeVarint(out, size);
            out.writeBytes(labels);
            for (int k = start; k < end; k++) {
                final int i = (int) order[k];
                ProtobufWriter.writeTag(out, 2, ProtobufWriter.LENGTH_DELIMITED);
                ProtobufWriter.writeVarint(out, sampleSize(batch.timestampMs(i)));
                ProtobufWriter.writeDouble(out, 1, batch.value(i));
                ProtobufWriter.writeInt64(out, 2, batch.timestampMs(i));
            }
            start = end;
        }
    }

    private static int sampleSize(final long timestampMs) {
        return 1 + 8 + 1 + ProtobufWriter.varintSize(timestampMs);
    }

    /** The encoded {@code labels} fields (field 1 of TimeSeries, repeated) of a label set. */
    static byte[] labelFields(final LabelSet labels) {
        final ByteBuf b = ByteBufAllocator.DEFAULT.heapBuffer(128);
        try {
            for (int l = 0; l < labels.size(); l++) {
                final byte[] name = labels.name(l).getBytes(StandardCharsets.UTF_8);
                final byte[] value = labels.value(l).getBytes(StandardCharsets.UTF_8);
                final int size = 1 + ProtobufWriter.varintSize(name.length) + name.length
                    + 1 + ProtobufWriter.varintSize(value.length) + value.length;
                ProtobufWriter.writeTag(b, 1, ProtobufWriter.LENGTH_DELIMITED);
                ProtobufWriter.writeVarint(b, size);
                ProtobufWriter.writeBytes(b, 1, name);
                ProtobufWriter.writeBytes(b, 2, value);
            }
            final byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } finally {
            b.release();
        }
    }
}
