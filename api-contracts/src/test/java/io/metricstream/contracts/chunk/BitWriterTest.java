package io.metricstream.contracts.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.testsupport.Seeds;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BitWriterTest {

    @Test
    void shouldWriteSameBytesAsByteLoopWriterAndReadBackWhenFieldsAreRandom() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final BitWriter writer = new BitWriter(16);
        final LegacyBitWriter legacy = new LegacyBitWriter(16);
        for (int iter = 0; iter < 2000; iter++) {
            // reused after reset, as chunk writers are: stale bytes past the end must never leak into a field
            writer.reset();
            legacy.reset();
            final int fields = 1 + rnd.nextInt(iter % 50 == 0 ? 5000 : 100);
            for (int f = 0; f < fields; f++) {
                // the whole value, high bits too: the writer must keep only the low count bits
                final long value = rnd.nextInt(4) == 0 ? -1L : rnd.nextLong();
                final int kind = rnd.nextInt(5);
                if (kind == 4) {
                    final long varValue = value >>> rnd.nextInt(64);
                    writer.writeVarBits(varValue);
                    legacy.writeVarBits(varValue);
                    continue;
                }
                final int count = kind == 0 ? 0 : kind == 1 ? 1 : kind == 2 ? 57 + rnd.nextInt(8) : rnd.nextInt(65);
                writer.writeBits(value, count);
                legacy.writeBits(value, count);
            }
            assertEquals(legacy.bitLength(), writer.bitLength(), "bit length, iteration " + iter);
            assertArrayEquals(legacy.toByteArray(), writer.toByteArray(), "bytes, iteration " + iter);
        }
    }

    @Test
    void shouldReadBackEveryFieldWhenWrittenAtEveryBitOffset() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final BitWriter writer = new BitWriter(16);
        final BitReader reader = new BitReader();
        for (int offset = 0; offset < 8; offset++) {
            for (int count = 0; count <= 64; count++) {
                writer.reset();
                writer.writeBits(-1L, offset);
                final long value = rnd.nextLong();
                writer.writeBits(value, count);
                final long varValue = rnd.nextLong() >>> rnd.nextInt(64);
                writer.writeVarBits(varValue);
                writer.writeBit(true);
                final byte[] bytes = writer.toByteArray();
                reader.wrap(bytes, 0, bytes.length, "test", 0);
                assertEquals(offset == 0 ? 0 : (1L << offset) - 1, reader.readBits(offset));
                assertEquals(count == 64 ? value : value & ((1L << count) - 1), reader.readBits(count),
                    "offset " + offset + " count " + count);
                assertEquals(varValue, reader.readVarBits());
                assertEquals(true, reader.readBit());
            }
        }
    }
}
