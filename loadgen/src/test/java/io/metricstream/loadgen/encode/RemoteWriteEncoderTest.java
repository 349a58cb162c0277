package io.metricstream.loadgen.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.loadgen.generate.SampleBatch;
import io.metricstream.loadgen.generate.SeriesCatalog;
import io.metricstream.testsupport.Seeds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xerial.snappy.Snappy;

/** Round trip through snappy and a protobuf reader written here from the WriteRequest schema. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RemoteWriteEncoderTest {
    /** (labels, ts, value bits) triples in decode order. */
    record Decoded(LabelSet labels, long ts, long bits) {
    }

    static long varint(final ByteBuf b) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            final int x = b.readByte();
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
        throw new AssertionError("varint too long");
    }

    static List<Decoded> decode(final ByteBuf b) {
        final List<Decoded> out = new ArrayList<>();
        while (b.isReadable()) {
            assertEquals((1 << 3) | 2, varint(b), "WriteRequest.timeseries tag");
            final ByteBuf ts = b.readSlice((int) varint(b));
            final LabelSet.Builder labels = LabelSet.builder();
            final List<long[]> samples = new ArrayList<>();
            while (ts.isReadable()) {
                final long tag = varint(ts);
                final ByteBuf m = ts.readSlice((int) varint(ts));
                if (tag == ((1 << 3) | 2)) {
                    assertEquals(10, varint(m));
                    final String name = m.readCharSequence((int) varint(m), java.nio.charset.StandardCharsets.UTF_8)
                        .toString();
                    assertEquals(18, varint(m));
                    labels.add(name, m.readCharSequence((int) varint(m), java.nio.charset.StandardCharsets.UTF_8)
                        .toString());
                } else {
                    assertEquals((2 << 3) | 2, tag);
                    assertEquals(9, varint(m));
                    final long bits = m.readLongLE();
                    assertEquals(16, varint(m));
                    samples.add(new long[] {varint(m), bits});
                }
                assertEquals(0, m.readableBytes(), "message fully read");
            }
            final LabelSet set = labels.build();
            for (long[] s : samples) {
                out.add(new Decoded(set, s[0], s[1]));
            }
        }
        return out;
    }

    @Test
    void shouldRoundTripEverySampleWhenDecodedBack() throws Exception {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int trial = 0; trial < 200; trial++) {
            final SeriesCatalog c = Batches.catalog(rnd, 1 + rnd.nextInt(30));
            final SampleBatch batch = Batches.batch(rnd, c, 1 + rnd.nextInt(300), true);
            final RemoteWriteEncoder enc = new RemoteWriteEncoder(c);
            final ByteBuf body = Unpooled.buffer();
            enc.encode(batch, body);
            final byte[] compressed = new byte[body.readableBytes()];
            body.readBytes(compressed);
            final List<Decoded> decoded = decode(Unpooled.wrappedBuffer(Snappy.uncompress(compressed)));
            assertEquals(batch.size(), decoded.size(), "seed=" + seed);
            // Grouped per series in series-id order, batch order within a series.
            final List<Decoded> expected = new ArrayList<>();
            for (int id = 0; id < c.size(); id++) {
                for (int i = 0; i < batch.size(); i++) {
                    if (batch.seriesId(i) == id) {
                        expected.add(new Decoded(c.labels(id), batch.timestampMs(i),
                            Double.doubleToRawLongBits(batch.value(i))));
                    }
                }
            }
            assertEquals(expected, decoded, "seed=" + seed + " trial=" + trial);
        }
    }

    @Test
    void shouldEncodeVarintsLikeProtobufWhenValuesAreEdgeCases() {
        final long[] values = {0, 1, 127, 128, 300, Integer.MAX_VALUE, Long.MAX_VALUE, -1, Long.MIN_VALUE};
        for (long v : values) {
            final ByteBuf b = Unpooled.buffer();
            ProtobufWriter.writeVarint(b, v);
            assertEquals(ProtobufWriter.varintSize(v), b.readableBytes(), "size of " + v);
            assertEquals(v, varint(b), "value " + v);
        }
    }
}
