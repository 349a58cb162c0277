package io.metricstream.contracts.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.wire.DecodeStatus;
import io.metricstream.contracts.wire.Seeds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RecordBatchViewTest {
    private static final int MAX = RecordBatchDescriptor.DEFAULT_MAX_BATCH_BYTES;

    private record Rec(long ts, byte[] key, byte[] value) {
    }

    private static List<Rec> randomRecords(final SplittableRandom rnd) {
        final int n = 1 + rnd.nextInt(20);
        final List<Rec> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final byte[] key = rnd.nextInt(5) == 0 ? null : new byte[rnd.nextInt(40)];
            final byte[] value = rnd.nextInt(7) == 0 ? null : new byte[rnd.nextInt(200)];
            if (key != null) {
                rnd.nextBytes(key);
            }
            if (value != null) {
                rnd.nextBytes(value);
            }
            out.add(new Rec(rnd.nextLong(-1L << 42, 1L << 42), key, value));
        }
        return out;
    }

    private static ByteBuf write(final List<Rec> recs, final ByteBuf out) {
        final RecordBatchWriter w = new RecordBatchWriter().begin(out);
        for (final Rec r : recs) {
            w.appendRecord(r.ts, r.key == null ? null : Unpooled.wrappedBuffer(r.key), 0,
                r.key == null ? 0 : r.key.length, r.value == null ? null : Unpooled.wrappedBuffer(r.value), 0,
                r.value == null ? 0 : r.value.length);
        }
        w.finish();
        return out;
    }

    private static byte[] bytes(final ByteBuf buf, final int at, final int length) {
        return length < 0 ? null : ByteBufUtil.getBytes(buf, at, length);
    }

    @Test
    void shouldRoundTripRecordsWhenBatchesAreRandom() {
        Seeds.withSeed("record batch round trip", rnd -> {
            final RecordBatchView view = new RecordBatchView();
            final RecordBatchView.RecordCursor cursor = new RecordBatchView.RecordCursor();
            for (int i = 0; i < 2_000; i++) {
                final List<Rec> recs = randomRecords(rnd);
                final ByteBuf buf = write(recs, Unpooled.buffer());
                final long base = rnd.nextLong(0, 1L << 50);
                RecordBatchDescriptor.setBaseOffset(buf, 0, base);
                assertEquals(DecodeStatus.OK, view.wrap(buf, 0).check(buf.readableBytes(), MAX));
                assertEquals(buf.readableBytes(), view.totalLength());
                assertEquals(recs.size(), view.recordCount());
                assertEquals(base, view.baseOffset());
                assertEquals(base + recs.size() - 1, view.lastOffset());
                assertEquals(recs.get(0).ts, view.firstTimestampMs());
                assertEquals(recs.stream().mapToLong(Rec::ts).max().orElseThrow(), view.maxTimestampMs());
                cursor.reset(view);
                for (int j = 0; j < recs.size(); j++) {
                    assertTrue(cursor.next());
                    final Rec r = recs.get(j);
                    assertEquals(base + j, cursor.offset());
                    assertEquals(r.ts, cursor.timestampMs());
                    assertArrayEquals(r.key, bytes(buf, cursor.keyAt(), cursor.keyLength()));
                    assertArrayEquals(r.value, bytes(buf, cursor.valueAt(), cursor.valueLength()));
                }
                assertFalse(cursor.next());
            }
        });
    }

    @Test
    void shouldReportTruncatedWhenCutAtEveryBytePosition() {
        Seeds.withSeed("truncation", rnd -> {
            final ByteBuf buf = write(randomRecords(rnd), Unpooled.buffer());
            final RecordBatchView view = new RecordBatchView().wrap(buf, 0);
            for (int cut = 0; cut < buf.readableBytes(); cut++) {
                assertEquals(DecodeStatus.TRUNCATED, view.check(cut, MAX), "cut at " + cut);
            }
        });
    }

    @Test
    void shouldDetectEveryFlippedByteWhenItIsCoveredByTheCrc() {
        Seeds.withSeed("bit flips", rnd -> {
            final RecordBatchView view = new RecordBatchView();
            for (int i = 0; i < 300; i++) {
                final ByteBuf buf = write(randomRecords(rnd), Unpooled.buffer());
                final int at = rnd.nextInt(buf.readableBytes());
                buf.setByte(at, buf.getByte(at) ^ (1 + rnd.nextInt(255)));
                final DecodeStatus s = view.wrap(buf, 0).check(buf.readableBytes(), MAX);
                if (at >= RecordBatchDescriptor.BASE_OFFSET_AT && at < RecordBatchDescriptor.CRC_AT) {
                    assertEquals(DecodeStatus.OK, s, "base offset is outside the CRC");
                } else {
                    assertNotEquals(DecodeStatus.OK, s, "flip at " + at);
                }
            }
        });
    }

    @Test
    void shouldNeverThrowOrReadOutOfBoundsWhenBytesAreRandom() {
        Seeds.withSeed("batch fuzz", rnd -> {
            final RecordBatchView view = new RecordBatchView();
            final RecordBatchView.RecordCursor cursor = new RecordBatchView.RecordCursor();
            for (int i = 0; i < 20_000; i++) {
                final byte[] bytes = new byte[rnd.nextInt(120)];
                rnd.nextBytes(bytes);
                if (bytes.length >= 4 && rnd.nextBoolean()) {
                    Unpooled.wrappedBuffer(bytes).setInt(0, bytes.length - 4);
                }
                final ByteBuf buf = Unpooled.wrappedBuffer(bytes);
                if (view.wrap(buf, 0).check(bytes.length, MAX) == DecodeStatus.OK) {
                    cursor.reset(view);
                    while (cursor.next()) {
                        assertTrue(cursor.valueAt() <= bytes.length);
                    }
                }
            }
        });
    }

    @Test
    void shouldRejectForgedLengthsWhenTheyExceedTheMaximum() {
        final ByteBuf buf = Unpooled.buffer().writeInt(Integer.MAX_VALUE).writeZero(60);
        assertEquals(DecodeStatus.BAD_LENGTH, new RecordBatchView().wrap(buf, 0).check(64, MAX));
        buf.setInt(0, -5);
        assertEquals(DecodeStatus.BAD_LENGTH, new RecordBatchView().wrap(buf, 0).check(64, MAX));
    }

    @Test
    void shouldCheckABatchWhenItStartsInsideALargerDirectBuffer() {
        final ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer();
        try {
            out.writeZero(13);
            final List<Rec> recs = List.of(new Rec(5, new byte[] {1, 2}, new byte[] {3}));
            write(recs, out);
            final RecordBatchView view = new RecordBatchView().wrap(out, 13);
            assertEquals(DecodeStatus.OK, view.check(out.readableBytes() - 13, MAX));
            final RecordBatchView.RecordCursor cursor = new RecordBatchView.RecordCursor().reset(view);
            assertTrue(cursor.next());
            assertArrayEquals(new byte[] {3}, bytes(out, cursor.valueAt(), cursor.valueLength()));
        } finally {
            out.release();
        }
    }
}
