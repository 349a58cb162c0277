package io.metricstream.contracts.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.testsupport.Seeds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class HashingTest {

    private static void f(final String input, final long expected) {
        final ByteBuf buf = Unpooled.copiedBuffer(input, StandardCharsets.UTF_8);
        assertEquals(expected, Hashing.hash64(buf, 0, buf.readableBytes()), () -> "xxh64(\"" + input + "\")");
        final ByteBuf direct = Unpooled.directBuffer(buf.readableBytes() + 1).writeBytes(buf, 0, buf.readableBytes());
        try {
            assertEquals(expected, Hashing.hash64(direct, 0, direct.readableBytes()), () -> "direct xxh64(\"" + input
                + "\")");
        } finally {
            direct.release();
        }
    }

    @Test
    void shouldMatchXxHash64ReferenceVectorsWhenHashingAsciiInputs() {
        f("", 0xEF46DB3751D8E999L);
        f("a", 0xD24EC4F1A98C6E5BL);
        f("abc", 0x44BC2CF5AD770999L);
        f("Nobody inspects the spammish repetition", 0xFBCEA83C8A378BF1L);   // 39 bytes: a stripe, then 4 and 1
    }

    @Test
    void shouldHashTheSameBytesEquallyWhenTheyStartAtDifferentIndexes() {
        final ByteBuf a = Unpooled.copiedBuffer("xxxx__name__=up,job=api-server-0001", StandardCharsets.UTF_8);
        final ByteBuf b = Unpooled.copiedBuffer("__name__=up,job=api-server-0001", StandardCharsets.UTF_8);
        assertEquals(Hashing.hash64(a, 4, b.readableBytes()), Hashing.hash64(b, 0, b.readableBytes()));
    }

    @Test
    void shouldPickPartitionsInRangeWhenHashIsNegative() {
        for (long h = -1000; h < 1000; h += 7) {
            final int p = Hashing.partitionFor(h * 0x9E3779B97F4A7C15L, 8);
            assertTrue(p >= 0 && p < 8);
        }
        assertEquals(7, Hashing.partitionFor(-1, 8));
    }

    @Test
    void shouldHashEquallyWhenBytesAreInArrayHeapBufferOrDirectBuffer() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final ByteBuf direct = Unpooled.directBuffer(512);
        try {
            for (int iter = 0; iter < 5000; iter++) {
                final int length = rnd.nextInt(iter % 10 == 0 ? 300 : 80);
                final int at = rnd.nextInt(16);
                final byte[] bytes = new byte[at + length + rnd.nextInt(16)];
                rnd.nextBytes(bytes);
                direct.clear().writeBytes(bytes);
                // the direct buffer has no array: it hashes through the ByteBuf getters
                final long expected = Hashing.hash64(direct, at, length);
                assertEquals(expected, Hashing.hash64(bytes, at, length), "array, iteration " + iter);
                assertEquals(expected, Hashing.hash64(Unpooled.wrappedBuffer(bytes), at, length), "heap buf");
                // a slice has a non-zero array offset
                final ByteBuf slice = Unpooled.wrappedBuffer(bytes).slice(at, bytes.length - at);
                assertEquals(expected, Hashing.hash64(slice, 0, length), "slice, iteration " + iter);
            }
        } finally {
            direct.release();
        }
    }

    @Test
    void shouldRejectRangeOutsideBufferWhenBufferIsHeap() {
        final ByteBuf heap = Unpooled.wrappedBuffer(new byte[64]).slice(8, 16);
        assertThrows(IndexOutOfBoundsException.class,
            () -> Hashing.hash64(heap, 8, 9));
        assertThrows(IndexOutOfBoundsException.class,
            () -> Hashing.hash64(heap, -1, 4));
    }
}
