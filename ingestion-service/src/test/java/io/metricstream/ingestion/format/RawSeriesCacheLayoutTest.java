package io.metricstream.ingestion.format;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.testsupport.Seeds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RawSeriesCache}'s packed slot table and inline entry headers at their edges: entries forced into one
 * bucket, the largest entry kept, the byte bound, the generation wrap, and a seeded model check of find / put /
 * clear against a map.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RawSeriesCacheLayoutTest {

    private static byte[] bytes(final SplittableRandom random, final int length) {
        final byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        return b;
    }

    /** Puts {@code raw} with a key of {@code keyLength} bytes derived from {@code raw}; returns the key. */
    private static byte[] put(final RawSeriesCache cache, final long h, final byte[] raw, final int keyLength,
                              final long keyHash) {
        final byte[] key = new byte[keyLength];
        for (int i = 0; i < keyLength; i++) {
            key[i] = (byte) (raw.length == 0 ? i : raw[i % raw.length] + i);
        }
        final ByteBuf keys = Unpooled.buffer(keyLength + 3);
        keys.writeBytes(new byte[] {9, 9, 9}).writeBytes(key);
        assertTrue(cache.put(h, raw, 0, raw.length, keys, 3, keyLength, keyHash) >= 0);
        return key;
    }

    private static void assertFound(final RawSeriesCache cache, final long h, final byte[] raw, final byte[] key,
                                    final long keyHash) {
        assertTrue(cache.find(h, raw, 0, raw.length), "entry of " + raw.length + " bytes found");
        assertEquals(keyHash, cache.keyHash());
        assertEquals(key.length, cache.keyLength());
        assertArrayEquals(key, Arrays.copyOfRange(cache.keyBytes(), cache.keyAt(), cache.keyAt() + key.length));
        // the two-piece probe finds the same entry at every split point
        for (final int split : new int[] {0, raw.length / 2, raw.length}) {
            assertTrue(cache.find(h, raw, 0, split, raw, split, raw.length - split));
            assertEquals(keyHash, cache.keyHash());
        }
    }

    @Test
    void shouldTellEntriesApartWhenForcedIntoOneBucket() {
        final RawSeriesCache cache = new RawSeriesCache();
        final long h = 0x1234_5678_9ABC_DEF0L;
        // same hash: equal lengths differing in the last byte, a prefix, a longer one, an empty key
        final byte[][] raws = {"series-a".getBytes(US_ASCII), "series-b".getBytes(US_ASCII),
            "series-".getBytes(US_ASCII), "series-ab".getBytes(US_ASCII)};
        final byte[][] keys = new byte[raws.length][];
        for (int i = 0; i < raws.length; i++) {
            assertFalse(cache.find(h, raws[i], 0, raws[i].length));
            keys[i] = put(cache, h, raws[i], i * 7, 100 + i);
        }
        for (int i = 0; i < raws.length; i++) {
            assertFound(cache, h, raws[i], keys[i], 100 + i);
        }
        final int slot = cache.find(h, raws[0], 0, raws[0].length) ? cache.slot() : -1;
        assertTrue(cache.find(h, raws[3], 0, raws[3].length));
        assertEquals(slot + 3 & RawSeriesCache.SLOTS - 1, cache.slot(), "linear probing from one bucket");
        assertFalse(cache.find(h, "series-c".getBytes(US_ASCII), 0, 8), "same hash and length, other bytes");
        assertFalse(cache.find(h + 1, raws[0], 0, raws[0].length), "same bytes, other hash");
        // the bucket is the last slot: probing wraps to slot 0
        final long last = RawSeriesCache.SLOTS - 1;
        put(cache, last, raws[0], 4, 1);
        final byte[] wrapKey = put(cache, last, raws[1], 5, 2);
        assertFound(cache, last, raws[1], wrapKey, 2);
        assertEquals(0, cache.slot());
    }

    @Test
    void shouldKeepTheLargestEntryAndRefuseOneByteMore() {
        final SplittableRandom random = new SplittableRandom(7);
        final RawSeriesCache cache = new RawSeriesCache();
        final byte[] raw = bytes(random, RawSeriesCache.MAX_ENTRY_BYTES - 100);
        final ByteBuf keys = Unpooled.buffer().writeBytes(new byte[101]);
        assertEquals(-1, cache.put(1, raw, 0, raw.length, keys, 0, 101, 5), "one byte over the entry bound");
        assertEquals(0, cache.size());
        final byte[] key = put(cache, 1, raw, 100, 5);
        assertFound(cache, 1, raw, key, 5);
        // the largest raw length the slot word holds, with an empty key
        final byte[] longest = bytes(random, RawSeriesCache.MAX_ENTRY_BYTES);
        put(cache, 2, longest, 0, 6);
        assertFound(cache, 2, longest, new byte[0], 6);
    }

    @Test
    void shouldStayWithinTheByteBoundAndForgetEverythingWhenItFills() {
        final SplittableRandom random = new SplittableRandom(11);
        final RawSeriesCache cache = new RawSeriesCache();
        final int perEntry = RawSeriesCache.ENTRY_HEADER_BYTES + RawSeriesCache.MAX_ENTRY_BYTES;
        final int fit = RawSeriesCache.MAX_BYTES / perEntry;
        final byte[][] raws = new byte[fit + 1][];
        for (int i = 0; i <= fit; i++) {
            raws[i] = bytes(random, RawSeriesCache.MAX_ENTRY_BYTES - 8);
            put(cache, i, raws[i], 8, i);
            assertTrue(cache.keyBytes().length <= RawSeriesCache.MAX_BYTES);
        }
        assertEquals(1, cache.size(), "the entry that did not fit emptied the cache first");
        assertFalse(cache.find(0, raws[0], 0, raws[0].length));
        assertTrue(cache.find(fit, raws[fit], 0, raws[fit].length));
        assertEquals(RawSeriesCache.ENTRY_HEADER_BYTES + raws[fit].length, cache.keyAt(), "refilled from offset 0");
    }

    @Test
    void shouldReuseSlotsAfterEmptyingAcrossTheGenerationWrap() {
        final RawSeriesCache cache = new RawSeriesCache(RawSeriesCache.MAX_GENERATION - 1);
        final byte[] a = "a-series".getBytes(US_ASCII);
        final byte[] b = "b-series".getBytes(US_ASCII);
        put(cache, 42, a, 3, 1);
        final int slot = cache.find(42, a, 0, a.length) ? cache.slot() : -1;
        for (int round = 0; round < 3; round++) {
            // rounds: the last generation, then the wrap to generation 1 (slots zeroed), then generation 2
            cache.clear();
            assertEquals(0, cache.size());
            assertFalse(cache.find(42, a, 0, a.length), "forgotten after clear, round " + round);
            assertFalse(cache.find(42, b, 0, b.length));
            final byte[] key = put(cache, 42, b, 4, 2 + round);
            assertFound(cache, 42, b, key, 2 + round);
            assertEquals(slot, cache.slot(), "the emptied bucket's slot is taken again");
            assertFalse(cache.find(42, a, 0, a.length));
        }
    }

    @Test
    void shouldNotFindAnEntryOfAnEarlierLapWhenTheGenerationComesRound() {
        final RawSeriesCache cache = new RawSeriesCache();
        final byte[] a = "a-series".getBytes(US_ASCII);
        put(cache, 42, a, 3, 1);
        // generation 1 again after MAX_GENERATION clears: the old slot must have been zeroed at the wrap
        for (int i = 0; i < RawSeriesCache.MAX_GENERATION; i++) {
            cache.clear();
        }
        assertFalse(cache.find(42, a, 0, a.length));
        final byte[] key = put(cache, 42, a, 5, 7);
        assertFound(cache, 42, a, key, 7);
    }

    @Test
    void shouldAnswerAsAMapWhateverThePutsAndClears() {
        final long seed = Seeds.seed();
        final SplittableRandom random = new SplittableRandom(seed);
        final RawSeriesCache cache = new RawSeriesCache(RawSeriesCache.MAX_GENERATION - 2);
        final Map<String, long[]> model = new HashMap<>();
        final byte[][] pool = new byte[3_000][];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = bytes(random, 1 + random.nextInt(random.nextInt(10) == 0 ? 2_000 : 120));
        }
        for (int op = 0; op < 60_000; op++) {
            final byte[] raw = pool[random.nextInt(pool.length)];
            // few hash values: many entries share buckets and runs
            final long h = random.nextInt(4) == 0 ? random.nextInt(64) : RawSeriesCache.hash(raw, 0, raw.length);
            final String id = h + "/" + Arrays.toString(raw);
            final long[] expected = model.get(id);
            if (random.nextInt(5_000) == 0) {
                cache.clear();
                model.clear();
            } else if (cache.find(h, raw, 0, raw.length)) {
                assertTrue(expected != null, "seed=" + seed + ": found an entry never put or forgotten");
                assertEquals(expected[0], cache.keyHash(), "seed=" + seed);
                assertEquals(expected[1], cache.keyLength(), "seed=" + seed);
                assertEquals(expected[2], cache.slot(), "seed=" + seed);
                assertEquals(raw[0] & 0xFF, cache.keyBytes()[cache.keyAt()] & 0xFF, "seed=" + seed);
            } else {
                assertNull(expected, "seed=" + seed + ": lost an entry without a clear");
                final int before = cache.size();
                final int keyLength = 1 + random.nextInt(200);
                final long keyHash = random.nextLong();
                final ByteBuf keys = Unpooled.buffer().writeBytes(raw, 0, 1).writeZero(keyLength - 1);
                final int slot = cache.put(h, raw, 0, raw.length, keys, 0, keyLength, keyHash);
                if (cache.size() <= before) {
                    model.clear();
                }
                model.put(id, new long[] {keyHash, keyLength, slot});
                assertEquals(model.size(), cache.size(), "seed=" + seed);
            }
        }
    }
}
