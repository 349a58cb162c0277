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
 * raw labels and keys; when either is full the whole cache is forgotten (a new generation) and refills from the
 * next requests, so a high series churn costs one copy per new series and never grows memory.
 *
 * <p>Not thread-safe; one per decoder (per event loop). Arrays grow once, to the bound.
 */
final class RawSeriesCache {
    static final int SLOTS = 16_384;
    static final int MAX_BYTES = 4 << 20;
    /** Largest entry (raw bytes and key) kept: a few giant series cannot flush the cache. */
    static final int MAX_ENTRY_BYTES = MAX_BYTES / 64;
    private static final int MASK = SLOTS - 1;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.LITTLE_ENDIAN);
    private static final long K1 = 0x9E3779B97F4A7C15L;
    private static final long K2 = 0xC2B2AE3D27D4EB4FL;

    private final long[] rawHash = new long[SLOTS];
    private final int[] generation = new int[SLOTS];
    private final int[] rawAt = new int[SLOTS];
    private final int[] rawLength = new int[SLOTS];
    private final int[] keyAt = new int[SLOTS];
    private final int[] keyLength = new int[SLOTS];
    private final long[] keyHash = new long[SLOTS];
    private byte[] bytes = new byte[64 * 1024];
    private int bytesUsed;
    private int current = 1;
    private int size;
    private int found = -1;

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
        int slot = (int) (h ^ h >>> 32) & MASK;
        while (generation[slot] == current) {
            if (rawHash[slot] == h && rawLength[slot] == length
                && Arrays.equals(bytes, rawAt[slot], rawAt[slot] + length, b, at, at + length)) {
                found = slot;
                return true;
            }
            slot = slot + 1 & MASK;
        }
        found = -1;
        return false;
    }

    /**
     * As {@link #find(long, byte[], int, int)} for raw bytes given in two pieces, {@code a} then {@code b}, so a
     * caller need not copy them together to look them up (an Influx line's series text in the body, then its
     * field name and trailer).
     */
    boolean find(final long h, final byte[] a, final int aAt, final int aLength, final byte[] b, final int bAt,
                 final int bLength) {
        int slot = (int) (h ^ h >>> 32) & MASK;
        final int length = aLength + bLength;
        while (generation[slot] == current) {
            final int at = rawAt[slot];
            if (rawHash[slot] == h && rawLength[slot] == length
                && Arrays.equals(bytes, at + aLength, at + length, b, bAt, bAt + bLength)
                && Arrays.equals(bytes, at, at + aLength, a, aAt, aAt + aLength)) {
                found = slot;
                return true;
            }
            slot = slot + 1 & MASK;
        }
        found = -1;
        return false;
    }

    /**
     * Remembers raw bytes (hash {@code h}) and the key they built, {@code keyBytes} at {@code keysAt} of
     * {@code keys} with hash {@code seriesKeyHash}; returns the entry's slot, or -1 when the entry is too large to
     * keep. Call only after {@link #find} missed for the same bytes.
     */
    int put(final long h, final byte[] b, final int at, final int length, final ByteBuf keys, final int keysAt,
            final int keyBytes, final long seriesKeyHash) {
        final int need = length + keyBytes;
        if (need > MAX_ENTRY_BYTES) {
            return -1;
        }
        if (size >= SLOTS / 2 || bytesUsed + need > MAX_BYTES) {
            clear();
        }
        if (bytesUsed + need > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.min(MAX_BYTES, Math.max(bytes.length * 2, bytesUsed + need)));
        }
        int slot = (int) (h ^ h >>> 32) & MASK;
        while (generation[slot] == current) {
            slot = slot + 1 & MASK;
        }
        System.arraycopy(b, at, bytes, bytesUsed, length);
        keys.getBytes(keysAt, bytes, bytesUsed + length, keyBytes);
        generation[slot] = current;
        rawHash[slot] = h;
        rawAt[slot] = bytesUsed;
        rawLength[slot] = length;
        keyAt[slot] = bytesUsed + length;
        keyLength[slot] = keyBytes;
        keyHash[slot] = seriesKeyHash;
        bytesUsed += need;
        size++;
        return slot;
    }

    /** Forgets every entry. */
    void clear() {
        current++;
        if (current == 0) {
            Arrays.fill(generation, 0);
            current = 1;
        }
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
        return keyAt[found];
    }

    /** Length of the found entry's key. */
    int keyLength() {
        return keyLength[found];
    }

    /** {@code SeriesKeyCodec.hash} of the found entry's key. */
    long keyHash() {
        return keyHash[found];
    }
}
