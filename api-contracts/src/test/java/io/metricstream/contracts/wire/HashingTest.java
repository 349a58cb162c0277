package io.metricstream.contracts.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class HashingTest {

    private static void f(final String input, final long expected) {
        final ByteBuf buf = Unpooled.copiedBuffer(input, StandardCharsets.UTF_8);
        assertEquals(expected, Hashing.hash64(buf, 0, buf.readableBytes()), () -> "xxh64(\"" + input + "\")");
    }

    @Test
    void shouldMatchXxHash64ReferenceVectorsWhenHashingAsciiInputs() {
        f("", 0xEF46DB3751D8E999L);
        f("a", 0xD24EC4F1A98C6E5BL);
        f("abc", 0x44BC2CF5AD770999L);
        f("Nobody inspects the spammish repetition", 0xFBCEA83C8A378BF1L);
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
}
