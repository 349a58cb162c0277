package io.metricstream.ingestion.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.xerial.snappy.Snappy;

/** Test-side writer of remote write 1.0 bodies: protobuf WriteRequest by hand, then snappy block compression. */
public final class RemoteWriteEncoder {
    /** One series: label pairs in the order to send, and samples as (timestamp, raw value bits). */
    public record Series(List<String[]> labels, long[] timestamps, long[] valueBits) {
    }

    private RemoteWriteEncoder() {
    }

    /** The uncompressed WriteRequest. */
    public static byte[] writeRequest(final List<Series> series) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final Series s : series) {
            final byte[] ts = timeSeries(s);
            tag(out, 1, 2);
            varint(out, ts.length);
            out.writeBytes(ts);
        }
        return out.toByteArray();
    }

    /** The snappy-compressed body. */
    public static byte[] body(final List<Series> series) {
        try {
            return Snappy.compress(writeRequest(series));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] timeSeries(final Series s) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final String[] l : s.labels()) {
            final ByteArrayOutputStream label = new ByteArrayOutputStream();
            string(label, 1, l[0]);
            string(label, 2, l[1]);
            tag(out, 1, 2);
            varint(out, label.size());
            out.writeBytes(label.toByteArray());
        }
        for (int i = 0; i < s.timestamps().length; i++) {
            final ByteArrayOutputStream sample = new ByteArrayOutputStream();
            tag(sample, 1, 1);
            final long bits = s.valueBits()[i];
            for (int k = 0; k < 8; k++) {
                sample.write((int) (bits >>> (8 * k)) & 0xff);
            }
            tag(sample, 2, 0);
            varint(sample, s.timestamps()[i]);
            tag(out, 2, 2);
            varint(out, sample.size());
            out.writeBytes(sample.toByteArray());
        }
        return out.toByteArray();
    }

    static void string(final ByteArrayOutputStream out, final int field, final String s) {
        final byte[] b = s.getBytes(StandardCharsets.UTF_8);
        tag(out, field, 2);
        varint(out, b.length);
        out.writeBytes(b);
    }

    static void tag(final ByteArrayOutputStream out, final int field, final int wire) {
        varint(out, (long) field << 3 | wire);
    }

    static void varint(final ByteArrayOutputStream out, final long value) {
        long v = value;
        while ((v & ~0x7fL) != 0) {
            out.write((int) (v & 0x7f | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
