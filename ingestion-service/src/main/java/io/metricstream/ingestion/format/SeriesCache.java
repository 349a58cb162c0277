package io.metricstream.ingestion.format;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Within one Influx body, remembers the staged series key of each (raw series text, field, naming) already seen,
 * so a series repeated in the body (a 5,000-line body of 1,000 series holds each five times) skips tokenising,
 * validating, sorting and hashing its labels again: the line's raw {@code measurement,tags} bytes are compared
 * as they are, and equal raw bytes always produce the same key. Open addressing, {@value #SLOTS} slots; it stops
 * taking entries at half full (later series just take the full path). Entries expire with the body: each
 * {@link #clear()} starts a new generation instead of wiping arrays.
 *
 * <p>Not thread-safe; one per parser. Arrays are allocated once.
 */
final class SeriesCache {
    static final int SLOTS = 8192;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.LITTLE_ENDIAN);
    private static final int MASK = SLOTS - 1;

    private final long[] hashes = new long[SLOTS];
    private final int[] generation = new int[SLOTS];
    private final int[] rawAt = new int[SLOTS];
    private final int[] rawLength = new int[SLOTS];
    private final int[] fieldAt = new int[SLOTS];
    private final int[] fieldLength = new int[SLOTS];
    private final boolean[] bare = new boolean[SLOTS];
    private final int[] keyAt = new int[SLOTS];
    private final int[] keyLength = new int[SLOTS];
    private final long[] keyHash = new long[SLOTS];
    private final int[] partition = new int[SLOTS];
    private final int[] ordinal = new int[SLOTS];
    private byte[] fields = new byte[4096];
    private int fieldsUsed;
    private int current = 1;
    private int size;
    private int found = -1;

    /** Forgets every entry (a new body). */
    void clear() {
        current++;
        if (current == 0) {
            Arrays.fill(generation, 0);
            current = 1;
        }
        size = 0;
        fieldsUsed = 0;
    }

    /** A word-at-a-time hash of the raw series bytes, the field name and the naming flag. */
    static long hash(final byte[] b, final int at, final int length, final byte[] f, final int fAt, final int fLength,
                     final boolean bareName) {
        long h = bareName ? 0x9E3779B97F4A7C15L : 0x165667B19E3779F9L;
        h = mix(h, b, at, length);
        h = mix(h * 0x100000001B3L, f, fAt, fLength);
        return h ^ h >>> 29;
    }

    private static long mix(final long seed, final byte[] b, final int at, final int length) {
        long h = seed;
        int i = at;
        final int end = at + length;
        for (; i + 8 <= end; i += 8) {
            h = Long.rotateLeft(h ^ (long) LONG_LE.get(b, i) * 0xC2B2AE3D27D4EB4FL, 31) * 0x9E3779B185EBCA87L;
        }
        for (; i < end; i++) {
            h = (h ^ b[i]) * 0x100000001B3L;
        }
        return h;
    }

    /** Looks up an entry; true when found ({@link #keyAt()} etc. then describe it). */
    boolean find(final long h, final byte[] body, final int at, final int length, final byte[] f, final int fAt,
                 final int fLength, final boolean bareName) {
        int slot = (int) h & MASK;
        while (generation[slot] == current) {
            if (hashes[slot] == h && rawLength[slot] == length && fieldLength[slot] == fLength
                && bare[slot] == bareName
                && Arrays.equals(body, rawAt[slot], rawAt[slot] + length, body, at, at + length)
                && Arrays.equals(fields, fieldAt[slot], fieldAt[slot] + fLength, f, fAt, fAt + fLength)) {
                found = slot;
                return true;
            }
            slot = slot + 1 & MASK;
        }
        found = -1;
        return false;
    }

    /** Adds an entry (ignored when half full); {@code at} indexes the body, which outlives the cache's generation. */
    void put(final long h, final int at, final int length, final byte[] f, final int fAt, final int fLength,
             final boolean bareName, final int seriesKeyAt, final int seriesKeyLength, final long seriesKeyHash,
             final int seriesPartition, final int seriesOrdinal) {
        if (size >= SLOTS / 2) {
            return;
        }
        int slot = (int) h & MASK;
        while (generation[slot] == current) {
            slot = slot + 1 & MASK;
        }
        if (fieldsUsed + fLength > fields.length) {
            fields = Arrays.copyOf(fields, Math.max(fields.length * 2, fieldsUsed + fLength));
        }
        System.arraycopy(f, fAt, fields, fieldsUsed, fLength);
        generation[slot] = current;
        hashes[slot] = h;
        rawAt[slot] = at;
        rawLength[slot] = length;
        fieldAt[slot] = fieldsUsed;
        fieldLength[slot] = fLength;
        bare[slot] = bareName;
        keyAt[slot] = seriesKeyAt;
        keyLength[slot] = seriesKeyLength;
        keyHash[slot] = seriesKeyHash;
        partition[slot] = seriesPartition;
        ordinal[slot] = seriesOrdinal;
        fieldsUsed += fLength;
        size++;
    }

    int keyAt() {
        return keyAt[found];
    }

    int keyLength() {
        return keyLength[found];
    }

    long keyHash() {
        return keyHash[found];
    }

    int partition() {
        return partition[found];
    }

    int ordinal() {
        return ordinal[found];
    }
}
