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
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.collections.LongHashSet;

/**
 * Series key bytes to a {@code long} series ref ({@link io.metricstream.contracts.wire.Hashing#hash64} of the key,
 * then an exact byte compare along the bucket chain), plus the head's postings (label name → value → refs,
 * ascending). Label strings are interned, so a million series share one copy of each name and value.
 *
 * <p>Lookups by hash run on the single ingest thread only. Series creation, removal and every query-side read take
 * {@code lock} (write / read): both are rare, so queries almost never wait.
 *
 * <p>Head GC ({@link #removeEmpty}, after a flush, and over the series deletions emptied in every maintenance
 * cycle): series with no sample left in the head leave the hash chains,
 * the ref map, the postings and the count the series limit checks; label strings no series uses any more leave the
 * intern table. Refs are never reused (they ascend with creation), so a ref read from the postings before a removal
 * resolves to null ({@link #series}), never to another series.
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
    private final Long2ObjectHashMap<MemSeries> byRef = new Long2ObjectHashMap<>();
    // the live series in ref (creation) order
    private final ArrayList<MemSeries> live = new ArrayList<>();
    private final TreeMap<String, TreeMap<String, LongArrayList>> postings = new TreeMap<>();
    private long nextRef;

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
            final MemSeries s = new MemSeries(nextRef++, hash, bytes, labels, maxSamples);
            byRef.put(s.ref, s);
            live.add(s);
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

    /** The series of {@code labels}, or null when the head has none. Ingest thread only. */
    public MemSeries get(final LabelSet labels) {
        final ByteBuf buf = Unpooled.buffer(SeriesKeyCodec.encodedLength(labels));
        try {
            final int length = SeriesKeyCodec.encode(labels, buf);
            return find(SeriesKeyCodec.hash(buf, 0, length), buf, 0, length);
        } finally {
            buf.release();
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
            return live.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The series with {@code ref}, or null when it was removed (head GC) since the ref was read. */
    public MemSeries series(final long ref) {
        lock.readLock().lock();
        try {
            return byRef.get(ref);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** A snapshot of every series, in ref order. */
    public List<MemSeries> all() {
        lock.readLock().lock();
        try {
            return new ArrayList<>(live);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The refs of every series, ascending. */
    public long[] refs() {
        lock.readLock().lock();
        try {
            final long[] out = new long[live.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = live.get(i).ref;
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Removes every series with no sample left in the head (head GC) and returns them, marked removed. Each is
     * marked under its own lock, so an append racing it cannot land in a removed series unseen. Ingest thread only
     * (the single writer, so nothing is appended between the emptiness check and the removal).
     */
    public List<MemSeries> removeEmpty() {
        return removeEmpty(all());
    }

    /** As {@link #removeEmpty()}, over {@code candidates} (series of this registry) only. Ingest thread only. */
    public List<MemSeries> removeEmpty(final List<MemSeries> candidates) {
        final List<MemSeries> removed = new ArrayList<>();
        for (final MemSeries s : candidates) {
            if (!s.removed && s.markRemovedIfEmpty()) {
                removed.add(s);
            }
        }
        if (removed.isEmpty()) {
            return removed;
        }
        final LongHashSet refs = new LongHashSet(removed.size() * 2);
        for (final MemSeries s : removed) {
            refs.add(s.ref);
        }
        lock.writeLock().lock();
        try {
            live.removeIf(s -> refs.contains(s.ref));
            // each postings list a removed series is on, filtered once however many removed series it held
            final IdentityHashMap<LongArrayList, String[]> touched = new IdentityHashMap<>();
            for (final MemSeries s : removed) {
                byRef.remove(s.ref);
                unchain(s);
                for (int i = 0; i < s.labels.size(); i++) {
                    final String name = s.labels.name(i);
                    final String value = s.labels.value(i);
                    touched.putIfAbsent(postings.get(name).get(value), new String[] {name, value});
                }
            }
            touched.forEach((list, nameValue) -> {
                list.removeIfLong(refs::contains);
                if (list.isEmpty()) {
                    dropValue(nameValue[0], nameValue[1]);
                }
            });
        } finally {
            lock.writeLock().unlock();
        }
        return removed;
    }

    private void unchain(final MemSeries s) {
        final long bucket = s.hash & hashMask;
        MemSeries prev = null;
        for (MemSeries c = byHash.get(bucket); c != null; prev = c, c = c.nextInBucket) {
            if (c == s) {
                if (prev != null) {
                    prev.nextInBucket = c.nextInBucket;
                } else if (c.nextInBucket != null) {
                    byHash.put(bucket, c.nextInBucket);
                } else {
                    byHash.remove(bucket);
                }
                c.nextInBucket = null;
                return;
            }
        }
    }

    /** Forgets {@code name=value} (its postings list is empty), and the strings when no label uses them any more. */
    private void dropValue(final String name, final String value) {
        final TreeMap<String, LongArrayList> values = postings.get(name);
        values.remove(value);
        if (values.isEmpty()) {
            postings.remove(name);
        }
        // the intern table holds each string once for names and values alike: scan the (few) names for other uses
        boolean valueUsed = false;
        boolean nameUsed = postings.containsKey(name);
        for (final Map.Entry<String, TreeMap<String, LongArrayList>> e : postings.entrySet()) {
            valueUsed |= e.getKey().equals(value) || e.getValue().containsKey(value);
            nameUsed |= e.getValue().containsKey(name);
            if (valueUsed && nameUsed) {
                break;
            }
        }
        if (!valueUsed) {
            interned.remove(value);
        }
        if (!nameUsed) {
            interned.remove(name);
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

    /**
     * Adds a copy of the refs of every value of {@code name} that {@code matches} (each ascending), in value order,
     * to {@code into}. The values are tested outside the lock (a slow regex over many values must not hold up the
     * ingest thread's new series), then every match's refs are copied under one read lock (a value removed in
     * between adds nothing).
     */
    public void postingsMatching(final String name, final Predicate<String> matches, final List<long[]> into) {
        final List<String> matched = new ArrayList<>();
        for (final String value : labelValues(name)) {
            if (matches.test(value)) {
                matched.add(value);
            }
        }
        if (matched.isEmpty()) {
            return;
        }
        lock.readLock().lock();
        try {
            final TreeMap<String, LongArrayList> values = postings.get(name);
            for (int i = 0; values != null && i < matched.size(); i++) {
                final LongArrayList refs = values.get(matched.get(i));
                if (refs != null) {
                    into.add(refs.toLongArray());
                }
            }
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
