package io.metricstream.storage.head;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;

/**
 * Series key bytes to a {@code long} series ref ({@link io.metricstream.contracts.wire.Hashing#hash64} of the key,
 * then an exact byte compare along the bucket chain), plus the head's postings (label name → value → refs,
 * ascending). Label strings are interned, so a million series share one copy of each name and value.
 *
 * <p>Lookups by hash run on the single ingest thread only. Series creation and every query-side read take
 * {@code lock} (write / read): creation is rare, so queries almost never wait.
 */
public final class SeriesRegistry {
    // big-endian, as ByteBuf.getLong
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    // immutable after construction: -1 in production; tests keep a few bits to force hash collisions
    private final long hashMask;
    // ingest thread only
    private final Long2ObjectHashMap<MemSeries> byHash = new Long2ObjectHashMap<>();
    private final Map<String, String> interned = new HashMap<>();
    // guarded by lock
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final List<MemSeries> byRef = new ArrayList<>();
    private final TreeMap<String, TreeMap<String, LongArrayList>> postings = new TreeMap<>();

    /** An empty registry. */
    public SeriesRegistry() {
        this(-1L);
    }

    /** An empty registry keying series by {@code hash & hashMask} (tests: a narrow mask forces collisions). */
    SeriesRegistry(final long hashMask) {
        this.hashMask = hashMask;
    }

    /** The series whose key equals the {@code length} bytes at {@code at}, or null. Ingest thread only. */
    public MemSeries find(final long hash, final ByteBuf key, final int at, final int length) {
        for (MemSeries s = byHash.get(hash & hashMask); s != null; s = s.nextInBucket) {
            if (sameKey(s.key, key, at, length)) {
                return s;
            }
        }
        return null;
    }

    /** The series whose key equals {@code key[0, length)}, or null. Ingest thread only. */
    public MemSeries find(final long hash, final byte[] key, final int length) {
        for (MemSeries s = byHash.get(hash & hashMask); s != null; s = s.nextInBucket) {
            if (s.keyEquals(key, length)) {
                return s;
            }
        }
        return null;
    }

    /** Compares eight bytes at a time (a byte-wise compare through the ByteBuf was 8 % of the ingest thread). */
    private static boolean sameKey(final byte[] stored, final ByteBuf key, final int at, final int length) {
        if (stored.length != length) {
            return false;
        }
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            if ((long) LONGS.get(stored, i) != key.getLong(at + i)) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (stored[i] != key.getByte(at + i)) {
                return false;
            }
        }
        return true;
    }

    /** Creates a series for a key that passed {@link SeriesKeyCodec#check}. Ingest thread only. */
    public MemSeries create(final long hash, final ByteBuf key, final int at, final int length,
                            final int maxSamples) {
        final byte[] bytes = new byte[length];
        key.getBytes(at, bytes);
        final LabelSet decoded = SeriesKeyCodec.decode(key, at, length);
        final LabelSet.Builder b = LabelSet.builder();
        for (int i = 0; i < decoded.size(); i++) {
            b.add(intern(decoded.name(i)), intern(decoded.value(i)));
        }
        final LabelSet labels = b.build();
        lock.writeLock().lock();
        try {
            final MemSeries s = new MemSeries(byRef.size(), hash, bytes, labels, maxSamples);
            byRef.add(s);
            for (int i = 0; i < labels.size(); i++) {
                postings.computeIfAbsent(labels.name(i), n -> new TreeMap<>())
                    .computeIfAbsent(labels.value(i), v -> new LongArrayList()).addLong(s.ref);
            }
            s.nextInBucket = byHash.get(hash & hashMask);
            byHash.put(hash & hashMask, s);
            return s;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Creates (or finds) a series from its labels (tests, checkpoint restore). Ingest thread only. */
    public MemSeries getOrCreate(final LabelSet labels, final int maxSamples) {
        final ByteBuf buf = Unpooled.buffer(SeriesKeyCodec.encodedLength(labels));
        try {
            final int length = SeriesKeyCodec.encode(labels, buf);
            final long hash = SeriesKeyCodec.hash(buf, 0, length);
            final MemSeries found = find(hash, buf, 0, length);
            return found != null ? found : create(hash, buf, 0, length, maxSamples);
        } finally {
            buf.release();
        }
    }

    private String intern(final String s) {
        final String prev = interned.putIfAbsent(s, s);
        return prev != null ? prev : s;
    }

    /** Number of series. */
    public int size() {
        lock.readLock().lock();
        try {
            return byRef.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The series with {@code ref}. */
    public MemSeries series(final long ref) {
        lock.readLock().lock();
        try {
            return byRef.get((int) ref);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** A snapshot of every series, in ref order. */
    public List<MemSeries> all() {
        lock.readLock().lock();
        try {
            return new ArrayList<>(byRef);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Label names, sorted. */
    public List<String> labelNames() {
        lock.readLock().lock();
        try {
            return new ArrayList<>(postings.keySet());
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Values of {@code name}, sorted (empty when unknown). */
    public List<String> labelValues(final String name) {
        lock.readLock().lock();
        try {
            final TreeMap<String, LongArrayList> values = postings.get(name);
            return values == null ? List.of() : new ArrayList<>(values.keySet());
        } finally {
            lock.readLock().unlock();
        }
    }

    /** A copy of the refs with label {@code name}={@code value}, ascending (empty when none). */
    public long[] postings(final String name, final String value) {
        lock.readLock().lock();
        try {
            final TreeMap<String, LongArrayList> values = postings.get(name);
            final LongArrayList refs = values == null ? null : values.get(value);
            return refs == null ? new long[0] : refs.toLongArray();
        } finally {
            lock.readLock().unlock();
        }
    }
}
