package io.metricstream.contracts.wire;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The one 64-bit hash of the platform, over bytes (xxHash64 with seed 0). Ingestion uses it to pick a
 * series' partition and storage to find a series by its key bytes, so both must agree bit for bit:
 * it is part of the contract. Reads 8 bytes at a time; no allocation.
 *
 * <p>Design note: a heap {@link ByteBuf} is hashed over its backing array (one bounds check for the whole range)
 * rather than through {@code getLongLE}, which checks bounds and the reference count per word: through the getters
 * the batcher's per-sample key hash went through Netty's accessibility checks for every 8 bytes.
 */
public final class Hashing {
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class,
        ByteOrder.LITTLE_ENDIAN);

    private Hashing() {
    }

    /** xxHash64 (seed 0) of {@code length} bytes of {@code buf} starting at absolute index {@code at}. */
    public static long hash64(final ByteBuf buf, final int at, final int length) {
        if (buf.hasArray()) {
            if (at < 0 || length < 0 || at > buf.capacity() - length) {
                throw new IndexOutOfBoundsException("hash of bytes [" + at + ", " + at + " + " + length
                    + ") outside capacity " + buf.capacity());
            }
            return hash64(buf.array(), buf.arrayOffset() + at, length);
        }
        final int end = at + length;
        int i = at;
        long h = P5;
        if (length >= 32) {
            long v1 = P1 + P2;
            long v2 = P2;
            long v3 = 0;
            long v4 = -P1;
            final int limit = end - 32;
            do {
                v1 = round(v1, buf.getLongLE(i));
                v2 = round(v2, buf.getLongLE(i + 8));
                v3 = round(v3, buf.getLongLE(i + 16));
                v4 = round(v4, buf.getLongLE(i + 24));
                i += 32;
            } while (i <= limit);
            h = converge(v1, v2, v3, v4);
        }
        h += length;
        for (; i + 8 <= end; i += 8) {
            h = mix8(h, buf.getLongLE(i));
        }
        if (i + 4 <= end) {
            h = mix4(h, buf.getIntLE(i));
            i += 4;
        }
        for (; i < end; i++) {
            h = mix1(h, buf.getByte(i));
        }
        return avalanche(h);
    }

    /** xxHash64 (seed 0) of {@code length} bytes of {@code bytes} from index {@code at}; equal to the ByteBuf form. */
    public static long hash64(final byte[] bytes, final int at, final int length) {
        Objects.checkFromIndexSize(at, length, bytes.length);
        final int end = at + length;
        int i = at;
        long h = P5;
        if (length >= 32) {
            long v1 = P1 + P2;
            long v2 = P2;
            long v3 = 0;
            long v4 = -P1;
            final int limit = end - 32;
            do {
                v1 = round(v1, (long) LONG_LE.get(bytes, i));
                v2 = round(v2, (long) LONG_LE.get(bytes, i + 8));
                v3 = round(v3, (long) LONG_LE.get(bytes, i + 16));
                v4 = round(v4, (long) LONG_LE.get(bytes, i + 24));
                i += 32;
            } while (i <= limit);
            h = converge(v1, v2, v3, v4);
        }
        h += length;
        for (; i + 8 <= end; i += 8) {
            h = mix8(h, (long) LONG_LE.get(bytes, i));
        }
        if (i + 4 <= end) {
            h = mix4(h, (int) INT_LE.get(bytes, i));
            i += 4;
        }
        for (; i < end; i++) {
            h = mix1(h, bytes[i]);
        }
        return avalanche(h);
    }

    /**
     * The partition of {@code hash} among {@code partitions}: non-negative modulo. Ingestion uses it with the
     * hash of {@code client_id} bytes (UTF-8) when a sample has one, else with the hash of its series key.
     */
    public static int partitionFor(final long hash, final int partitions) {
        return (int) Math.floorMod(hash, (long) partitions);
    }

    private static long round(final long acc, final long input) {
        return Long.rotateLeft(acc + input * P2, 31) * P1;
    }

    private static long merge(final long h, final long v) {
        return (h ^ round(0, v)) * P1 + P4;
    }

    // xxHash64's steps after the 32-byte stripes; the two hash64 forms differ only in how they read bytes
    private static long converge(final long v1, final long v2, final long v3, final long v4) {
        long h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
        h = merge(h, v1);
        h = merge(h, v2);
        h = merge(h, v3);
        return merge(h, v4);
    }

    private static long mix8(final long h, final long word) {
        return Long.rotateLeft(h ^ round(0, word), 27) * P1 + P4;
    }

    private static long mix4(final long h, final int word) {
        return Long.rotateLeft(h ^ (word & 0xFFFFFFFFL) * P1, 23) * P2 + P3;
    }

    private static long mix1(final long h, final byte b) {
        return Long.rotateLeft(h ^ (b & 0xFF) * P5, 11) * P1;
    }

    private static long avalanche(final long hash) {
        long h = hash;
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        return h ^ h >>> 32;
    }
}
