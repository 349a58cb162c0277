package io.metricstream.ingestion.format;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Across the requests of one event loop, remembers for the raw bytes that named a series the series key they
 * produced and that key's hash, so a known series costs a hash and a compare of its raw bytes instead of checking,
 * sorting and copying each label and hashing the key again. VictoriaMetrics caches raw labels to TSID the same way.
 * The raw bytes are the format's: a remote-write {@code TimeSeries}' leading run of {@code Label} fields exactly as
 * sent ({@link RemoteWriteDecoder}; a series whose labels were not all leading is never put), or an Influx line's
 * {@code measurement,tags} text, field name and naming flag ({@link InfluxLineParser}). Only series that passed
 * every check are ever put, and equal raw bytes under the same limits always pass the same checks and build the
 * same key, so a hit can never let an invalid series through. Each parser owns its cache and its limits are final,
 * so no entry outlives the limits it was checked under.
 *
 * <p>Bounded: {@value #SLOTS} slots (open addressing, at most half used) and at most {@value #MAX_BYTES} bytes of
 * entries; when either is full the whole cache is forgotten (a new generation) and refills from the next requests,
 * so a high series churn costs one copy per new series and never grows memory.
 *
 * <p>Layout, so a probe touches one line of the slot table and a hit then reads one contiguous run of bytes:
 * <pre>
 *   slots   long[2 * SLOTS]: per slot, [2s] raw hash, [2s + 1] generation (25 bits) | entry at (22) | raw length (17)
 *   bytes   per entry, at "entry at": key hash (int64 LE) | key length (int32 LE) | raw bytes | key bytes
 * </pre>
 * A slot is empty unless its generation is the current one. A probe compares the hash and the raw length held in
 * the slot before it touches {@code bytes}; a hit's key hash and length sit just before the raw bytes it compared.
 * Design note: the slot's fields used to be seven parallel arrays, several cache misses per probe; JFR showed the
 * probe at ~23 % of the io threads' samples under remote write. Packed, one-JVM A/B over gen.py's data (caches
 * warm, so a floor): rw decode 36.0 to 34.2 ns/sample, Influx parse 122.5 to 117.5.
 *
 * <p>Not thread-safe; one per decoder (per event loop). The byte array grows once, to the bound.
 */
final class RawSeriesCache {
    static final int SLOTS = 16_384;
    static final int MAX_BYTES = 4 << 20;
    /** Largest entry (raw bytes and key) kept: a few giant series cannot flush the cache. */
    static final int MAX_ENTRY_BYTES = MAX_BYTES / 64;
    /** Bytes before an entry's raw bytes: its key hash and key length. */
    static final int ENTRY_HEADER_BYTES = Long.BYTES + Integer.BYTES;
    private static final int MASK = SLOTS - 1;
    private static final int LENGTH_BITS = 17;
    private static final int AT_BITS = 22;
    private static final int GENERATION_SHIFT = LENGTH_BITS + AT_BITS;
    /** Generations wrap here (then every slot is zeroed): 25 bits. */
    static final int MAX_GENERATION = (1 << Long.SIZE - GENERATION_SHIFT) - 1;
    private static final long LENGTH_MASK = (1L << LENGTH_BITS) - 1;
    private static final long AT_MASK = (1L << AT_BITS) - 1;
    private static final long AT_FIELD = AT_MASK << LENGTH_BITS;
    private static final long GENERATION_FIELD = -1L << GENERATION_SHIFT;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class,
        ByteOrder.LITTLE_ENDIAN);
    private static final long K1 = 0x9E3779B97F4A7C15L;
    private static final long K2 = 0xC2B2AE3D27D4EB4FL;

    static {
        // the packed slot word must hold any entry offset below MAX_BYTES and any raw length up to MAX_ENTRY_BYTES
        if (MAX_BYTES > 1 << AT_BITS || MAX_ENTRY_BYTES > LENGTH_MASK) {
            throw new ExceptionInInitializerError("slot word too narrow for the cache bounds");
        }
    }

    private final long[] slots = new long[2 * SLOTS];
    private byte[] bytes = new byte[64 * 1024];
    private int bytesUsed;
    private int current;
    private long currentTag;
    private int size;
    private int found = -1;
    private int foundEntryAt;
    private int foundKeyAt;

    /** An empty cache. */
    RawSeriesCache() {
        this(1);
    }

    /** An empty cache whose first generation is {@code generation} (1 .. {@value #MAX_GENERATION}); for tests. */
    RawSeriesCache(final int generation) {
        if (generation < 1 || generation > MAX_GENERATION) {
            throw new IllegalArgumentException("generation out of range: got " + generation + "; want 1.."
                + MAX_GENERATION);
        }
        current = generation;
        currentTag = (long) current << GENERATION_SHIFT;
    }

    /**
     * The hash {@link #find} and {@link #put} take: two independent multiply-rotate lanes over 8-byte words, the
     * last partial word zero-padded, then one avalanche. Cheaper than xxHash64 for the 60-200 byte keys cached here
     * (xxHash's serial tail rounds were 19% of an Influx parse in a JFR profile of ParseBench); only bucket choice
     * depends on it, entries always compare their bytes.
     */
    static long hash(final byte[] b, final int at, final int length) {
        long h1 = K1 ^ length;
        long h2 = K2;
        int i = at;
        final int end = at + length;
        for (; i + 2 * Long.BYTES <= end; i += 2 * Long.BYTES) {
            h1 = Long.rotateLeft((h1 ^ (long) LONG_LE.get(b, i)) * K1, 29);
            h2 = Long.rotateLeft((h2 ^ (long) LONG_LE.get(b, i + Long.BYTES)) * K2, 31);
        }
        if (i + Long.BYTES <= end) {
            h1 = Long.rotateLeft((h1 ^ (long) LONG_LE.get(b, i)) * K1, 29);
            i += Long.BYTES;
        }
        if (i < end) {
            long w = 0;
            for (int k = end - 1; k >= i; k--) {
                w = w << 8 | b[k] & 0xFF;
            }
            h2 = Long.rotateLeft((h2 ^ w) * K2, 31);
        }
        long h = h1 ^ Long.rotateLeft(h2, 32);
        h = (h ^ h >>> 33) * 0xFF51AFD7ED558CCDL;
        return h ^ h >>> 33;
    }

    /** Looks up the raw bytes {@code [at, at + length)} of {@code b} hashing to {@code h}; true when found. */
    boolean find(final long h, final byte[] b, final int at, final int length) {
        return find(h, b, at, length, b, at + length, 0);
    }

    /**
     * As {@link #find(long, byte[], int, int)} for raw bytes given in two pieces, {@code a} then {@code b}, so a
     * caller need not copy them together to look them up (an Influx line's series text in the body, then its
     * field name and trailer).
     */
    boolean find(final long h, final byte[] a, final int aAt, final int aLength, final byte[] b, final int bAt,
                 final int bLength) {
        final int length = aLength + bLength;
        final long tag = currentTag;
        // a length wider than the slot's length field sets offset bits in want: it can only miss, as it must
        final long want = tag | length;
        int slot = (int) (h ^ h >>> 32) & MASK;
        long word;
        while (((word = slots[2 * slot + 1]) & GENERATION_FIELD) == tag) {
            if (slots[2 * slot] == h && (word & ~AT_FIELD) == want) {
                final int rawAt = entryAt(word) + ENTRY_HEADER_BYTES;
                if (Arrays.equals(bytes, rawAt + aLength, rawAt + length, b, bAt, bAt + bLength)
                    && Arrays.equals(bytes, rawAt, rawAt + aLength, a, aAt, aAt + aLength)) {
                    return hit(slot, rawAt - ENTRY_HEADER_BYTES, rawAt + length);
                }
            }
            slot = slot + 1 & MASK;
        }
        found = -1;
        return false;
    }

    private boolean hit(final int slot, final int entryAt, final int keyAt) {
        found = slot;
        foundEntryAt = entryAt;
        foundKeyAt = keyAt;
        return true;
    }

    private static int entryAt(final long word) {
        return (int) (word >>> LENGTH_BITS & AT_MASK);
    }

    /**
     * Remembers raw bytes (hash {@code h}) and the key they built, {@code keyBytes} at {@code keysAt} of
     * {@code keys} with hash {@code seriesKeyHash}; returns the entry's slot, or -1 when the entry is too large to
     * keep. Call only after {@link #find} missed for the same bytes.
     */
    int put(final long h, final byte[] b, final int at, final int length, final ByteBuf keys, final int keysAt,
            final int keyBytes, final long seriesKeyHash) {
        if (length + keyBytes > MAX_ENTRY_BYTES) {
            return -1;
        }
        final int need = ENTRY_HEADER_BYTES + length + keyBytes;
        if (size >= SLOTS / 2 || bytesUsed + need > MAX_BYTES) {
            clear();
        }
        if (bytesUsed + need > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.min(MAX_BYTES, Math.max(bytes.length * 2, bytesUsed + need)));
        }
        int slot = (int) (h ^ h >>> 32) & MASK;
        while ((slots[2 * slot + 1] & GENERATION_FIELD) == currentTag) {
            slot = slot + 1 & MASK;
        }
        final int entryAt = bytesUsed;
        LONG_LE.set(bytes, entryAt, seriesKeyHash);
        INT_LE.set(bytes, entryAt + Long.BYTES, keyBytes);
        System.arraycopy(b, at, bytes, entryAt + ENTRY_HEADER_BYTES, length);
        keys.getBytes(keysAt, bytes, entryAt + ENTRY_HEADER_BYTES + length, keyBytes);
        slots[2 * slot] = h;
        slots[2 * slot + 1] = currentTag | (long) entryAt << LENGTH_BITS | length;
        bytesUsed += need;
        size++;
        return slot;
    }

    /** Forgets every entry. */
    void clear() {
        current++;
        if (current > MAX_GENERATION) {
            Arrays.fill(slots, 0);
            current = 1;
        }
        currentTag = (long) current << GENERATION_SHIFT;
        size = 0;
        bytesUsed = 0;
    }

    /** Entries held. */
    int size() {
        return size;
    }

    /**
     * Slot of the found entry (0 .. {@value #SLOTS} - 1): stable while the entry lives, taken by the next entry put
     * there after it is forgotten.
     */
    int slot() {
        return found;
    }

    /** The array holding the found entry's key. */
    byte[] keyBytes() {
        return bytes;
    }

    /** Index of the found entry's key in {@link #keyBytes()}. */
    int keyAt() {
        return foundKeyAt;
    }

    /** Length of the found entry's key. */
    int keyLength() {
        return (int) INT_LE.get(bytes, foundEntryAt + Long.BYTES);
    }

    /** {@code SeriesKeyCodec.hash} of the found entry's key. */
    long keyHash() {
        return (long) LONG_LE.get(bytes, foundEntryAt);
    }
}
