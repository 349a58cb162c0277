package io.metricstream.contracts.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.testsupport.Seeds;
import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Pins the buffer class contract of fetched records (the storage consumer's record walk and head appends, the alert
 * watcher's scan): whatever direct buffer the transport hands over (a slice of a pooled or adaptive frame, a slice of
 * a slice, unpooled, empty, wrapped by Netty's leak detector as every allocator buffer is under the tests' paranoid
 * level), {@link FetchResponse#records()} is one class with the same bytes from index 0, and closing the answer
 * releases the transport's buffer.
 */
class FetchResponseTest {
    private static final AdaptiveByteBufAllocator ADAPTIVE = new AdaptiveByteBufAllocator();
    private static final int SHAPES = 6;
    // no transport hands over a composite (frame decoders cut frames from one merged buffer); its bytes must still
    // come through, as a heap copy
    private static final int COMPOSITE = 5;

    @Test
    void shouldHandOutOneRecordsClassWithTheAnswersBytesWhateverTheTransportsBufferIs() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        Class<?> seen = null;
        for (int round = 0; round < 300; round++) {
            final int shape = rnd.nextInt(SHAPES);
            final byte[] bytes = new byte[shape == 4 ? 0 : 1 + rnd.nextInt(rnd.nextBoolean() ? 100 : 70_000)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) rnd.nextInt(256);
            }
            final ByteBuf frame = frame(shape, bytes, rnd.nextInt(64));
            final ByteBuf transported = transported(shape, frame, bytes.length);
            final String where = "round " + round + " shape " + shape + " seed=" + seed;
            try (FetchResponse r = new FetchResponse(7, 3, transported)) {
                final ByteBuf records = r.records();
                if (shape != COMPOSITE) {
                    if (seen == null) {
                        seen = records.getClass();
                    }
                    assertSame(seen, records.getClass(), where + " from " + transported.getClass().getName());
                }
                assertEquals(0, records.readerIndex(), where);
                assertEquals(bytes.length, records.writerIndex(), where);
                assertEquals(ByteBufUtil.hexDump(bytes), ByteBufUtil.hexDump(records), where);
                assertEquals(7, r.highWatermark());
                assertEquals(3, r.logStartOffset());
            }
            // close gives back the answer's reference: the frame keeps only its own
            assertEquals(frame == transported ? 0 : 1, frame.refCnt(), where + ": released by close");
            if (frame != transported) {
                frame.release();
            }
        }
        assertTrue(seen != null && !seen.getName().contains("LeakAware") && !seen.getName().contains("Slice"),
            "a plain buffer class: " + seen);
    }

    /** A buffer holding {@code before} other bytes then {@code bytes}, of the kind shape {@code shape} uses. */
    private static ByteBuf frame(final int shape, final byte[] bytes, final int before) {
        final int size = Math.max(1, before + bytes.length);
        final ByteBuf frame = switch (shape) {
            case 0, 4 -> PooledByteBufAllocator.DEFAULT.directBuffer(size);
            case 1 -> ADAPTIVE.directBuffer(size);
            case 2 -> Unpooled.directBuffer(size);
            case 3 -> PooledByteBufAllocator.DEFAULT.directBuffer(size);
            default -> Unpooled.compositeBuffer();
        };
        if (frame instanceof CompositeByteBuf c) {
            final int cut = bytes.length / 2;
            c.addComponent(true, Unpooled.directBuffer(before + cut).writeZero(before).writeBytes(bytes, 0, cut));
            c.addComponent(true, Unpooled.directBuffer(bytes.length - cut + 1).writeBytes(bytes, cut,
                bytes.length - cut));
            c.readerIndex(before);
            return c;
        }
        frame.writeZero(before).writeBytes(bytes);
        frame.readerIndex(before);
        return frame;
    }

    /** What the transport hands the answer: a retained slice of the frame (TCP and local), or the frame itself. */
    private static ByteBuf transported(final int shape, final ByteBuf frame, final int length) {
        return switch (shape) {
            case 0, 4 -> frame.retainedSlice(frame.readerIndex(), length);
            case 1 -> { // a slice of the decoder's frame slice, as the queue client cuts it
                final ByteBuf outer = frame.retainedSlice(0, frame.writerIndex());
                final ByteBuf inner = outer.retainedSlice(frame.readerIndex(), length);
                outer.release();
                yield inner;
            }
            default -> frame;
        };
    }
}
