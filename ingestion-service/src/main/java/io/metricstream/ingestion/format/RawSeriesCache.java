package io.metricstream.ingestion.format;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Across the requests of one event loop, remembers for the raw label bytes of a remote-write {@code TimeSeries}
 * (its leading run of {@code Label} fields, exactly as sent) the series key they produced and that key's hash, so a
 * known series costs a hash and a compare of its raw labels instead of checking, sorting and copying each label and
 * hashing the key again. VictoriaMetrics caches raw labels to TSID the same way. Only labels that passed every
 * check are ever put, and equal raw bytes under the same limits always pass the same checks and build the same
 * key, so a hit can never let an invalid series through; a series whose labels were not all leading is never put.
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
    private static final int MASK = SLOTS - 1;

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

    /** Looks up the raw labels {@code [at, at + length)} of {@code b} hashing to {@code h}; true when found. */
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
     * Remembers raw labels (hash {@code h}) and the key they built, {@code keyBytes} at {@code keysAt} of
     * {@code keys} with hash {@code seriesKeyHash}. Call only after {@link #find} missed for the same labels.
     */
    void put(final long h, final byte[] b, final int at, final int length, final ByteBuf keys, final int keysAt,
             final int keyBytes, final long seriesKeyHash) {
        final int need = length + keyBytes;
        if (need > MAX_BYTES / 64) {
            return;
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
