package io.metricstream.contracts.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.wire.DecodeStatus;
import io.metricstream.contracts.wire.Seeds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SeriesKeyCodecTest {

    static LabelSet randomLabels(final SplittableRandom rnd) {
        final LabelSet.Builder b = LabelSet.builder().add("__name__", "m_" + rnd.nextInt(1000));
        final int n = rnd.nextInt(6);
        for (int i = 0; i < n; i++) {
            final StringBuilder value = new StringBuilder();
            final int len = 1 + rnd.nextInt(12);
            for (int j = 0; j < len; j++) {
                value.append((char) (rnd.nextInt(10) == 0 ? 0x80 + rnd.nextInt(0x700) : 'a' + rnd.nextInt(26)));
            }
            b.add("l" + rnd.nextInt(20), value.toString());
        }
        return b.build();
    }

    @Test
    void shouldRoundTripWhenLabelsAreRandom() {
        Seeds.withSeed("series key round trip", rnd -> {
            for (int i = 0; i < 5_000; i++) {
                final LabelSet labels = randomLabels(rnd);
                final ByteBuf buf = Unpooled.buffer();
                final int written = SeriesKeyCodec.encode(labels, buf);
                assertEquals(SeriesKeyCodec.encodedLength(labels), written);
                assertEquals(DecodeStatus.OK, SeriesKeyCodec.check(buf, 0, written));
                assertEquals(labels, SeriesKeyCodec.decode(buf, 0, written));
            }
        });
    }

    @Test
    void shouldEncodeEqualSetsToEqualBytesWhenBuiltInAnyOrder() {
        final LabelSet a = LabelSet.of("job", "api", "__name__", "up", "host", "h1");
        final LabelSet b = LabelSet.of("host", "h1", "job", "api", "__name__", "up");
        final ByteBuf x = Unpooled.buffer();
        final ByteBuf y = Unpooled.buffer();
        SeriesKeyCodec.encode(a, x);
        SeriesKeyCodec.encode(b, y);
        assertEquals(x, y);
        assertEquals(SeriesKeyCodec.hash(x, 0, x.readableBytes()), SeriesKeyCodec.hash(y, 0, y.readableBytes()));
    }

    @Test
    void shouldReportTruncatedWhenCutAtEveryByte() {
        final ByteBuf buf = Unpooled.buffer();
        final int n = SeriesKeyCodec.encode(LabelSet.of("__name__", "cpu", "host", "h01", "region", "eu"), buf);
        for (int cut = 0; cut < n; cut++) {
            assertNotEquals(DecodeStatus.OK, SeriesKeyCodec.check(buf, 0, cut), "cut at " + cut);
        }
    }

    @Test
    void shouldRejectUnsortedOrEmptyLabelsWhenChecking() {
        final ByteBuf buf = Unpooled.buffer();
        buf.writeShort(2);
        SeriesKeyCodec.writeLabel(buf, "b", "1");
        SeriesKeyCodec.writeLabel(buf, "a", "1");
        assertEquals(DecodeStatus.BAD_CONTENT, SeriesKeyCodec.check(buf, 0, buf.readableBytes()));
        final ByteBuf empty = Unpooled.buffer().writeShort(0);
        assertEquals(DecodeStatus.BAD_CONTENT, SeriesKeyCodec.check(empty, 0, 2));
    }

    @Test
    void shouldNeverThrowWhenBytesAreRandom() {
        Seeds.withSeed("series key fuzz", rnd -> {
            for (int i = 0; i < 20_000; i++) {
                final byte[] bytes = new byte[rnd.nextInt(64)];
                rnd.nextBytes(bytes);
                final ByteBuf buf = Unpooled.wrappedBuffer(bytes);
                final DecodeStatus s = SeriesKeyCodec.check(buf, 0, bytes.length);
                if (s == DecodeStatus.OK) {
                    assertTrue(SeriesKeyCodec.decode(buf, 0, bytes.length).size() > 0);
                }
            }
        });
    }
}
