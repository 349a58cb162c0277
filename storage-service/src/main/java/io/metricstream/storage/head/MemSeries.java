package io.metricstream.storage.head;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.chunk.BitWriter;
import io.metricstream.contracts.chunk.ChunkDescriptor;
import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.contracts.chunk.ChunkWriter;
import io.metricstream.contracts.chunk.SampleSink;
import io.metricstream.contracts.model.SampleRecordCodec;
import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * One series in the head: closed chunks (encoded, sorted by min time) and one open chunk kept as raw samples, with
 * its encoding cached for selects. Appends come from the single ingest thread; queries read concurrently. Guarded by
 * {@code this}: the lock is held for one record's samples (tens of ns each, uncontended in steady state) or one
 * query copy, which is cheaper and simpler than a lock-free publication of the open arrays.
 *
 * <p>Design note: a sample older than the open chunk goes into the closed chunk its time belongs to. That chunk is
 * decoded once into raw arrays (the "late" chunk, at most one per series) and later samples for it are inserted
 * there; it is re-encoded once when settled: before any reader of the encoded chunks, when another chunk takes a
 * late sample, or when the series' newest sample leaves it behind the out-of-order window (nothing can land in it
 * any more). Re-encoding the chunk per late sample took 45 % of the ingest thread with four loadgen connections
 * (requests, and so each series' samples, arrive slightly out of order around every cut).
 */
public final class MemSeries {
    // big-endian, as the record value's ByteBuf.getLong
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    // immutable after construction
    final long ref;
    final long hash;
    final byte[] key;
    final LabelSet labels;
    // written only by the registry on the ingest thread
    MemSeries nextInBucket;
    // ingest thread only: the series whose record followed this one's last time (Head.resolve's prediction)
    MemSeries nextSeen;
    // set once (under this) by head GC on the ingest thread: the series left the registry (volatile for tests and
    // inspection from other threads; the ingest thread's read is a plain load on x86)
    volatile boolean removed;

    // guarded by this
    private HeadChunk[] chunks = new HeadChunk[2];
    private int chunkCount;
    private long[] openTs;
    private long[] openBits;
    private int openCount;
    private long maxTs = Long.MIN_VALUE;
    private long flushedMaxTs = Long.MIN_VALUE;
    // the open samples encoded, or null: built by the first select (or checkpoint) after a change, reused until the
    // next change of the open samples, which drops it (a series being written keeps no second copy of its samples)
    private HeadChunk openChunk;
    // the closed chunk at lateIndex as raw samples (lateIndex -1: none); chunks[lateIndex] is stale while it is set
    private int lateIndex = -1;
    private long[] lateTs;
    private long[] lateBits;
    private int lateCount;
    private boolean lateChanged;

    MemSeries(final long ref, final long hash, final byte[] key, final LabelSet labels, final int maxSamples) {
        this.ref = ref;
        this.hash = hash;
        this.key = key;
        this.labels = labels;
        this.openTs = new long[Math.min(16, maxSamples)];
        this.openBits = new long[openTs.length];
    }

    /** The series reference. */
    public long ref() {
        return ref;
    }

    /** The series' labels. */
    public LabelSet labels() {
        return labels;
    }

    /** The canonical series key bytes (docs/format/series-key.md); do not modify. */
    public byte[] key() {
        return key;
    }

    /** Whether {@code other[0, length)} are this series' key bytes. */
    boolean keyEquals(final byte[] other, final int length) {
        return key.length == length && Arrays.equals(key, 0, length, other, 0, length);
    }

    /** Newest timestamp of this series already moved into a block (Long.MIN_VALUE when none). */
    public synchronized long flushedMaxTimeMs() {
        return flushedMaxTs;
    }

    /** Newest timestamp appended (Long.MIN_VALUE when none). */
    public synchronized long maxTimeMs() {
        return maxTs;
    }

    synchronized AppendStatus append(final long ts, final long bits, final Head.WriterContext ctx) {
        return appendLocked(ts, bits, ctx);
    }

    /**
     * Appends the {@code samples} samples of one queue record ({@link SampleRecordCodec}) under one lock, counting
     * the outcomes into {@code ctx}.
     */
    synchronized void appendRecord(final ByteBuf buf, final int valueAt, final int samples,
                                   final Head.WriterContext ctx) {
        for (int i = 0; i < samples; i++) {
            final int at = valueAt + i * SampleRecordCodec.SAMPLE_LENGTH;
            final long ts = SampleRecordCodec.timestampMs(buf, valueAt, i);
            ctx.count(appendLocked(ts, buf.getLong(at + 8), ctx), ts);
        }
    }

    /**
     * As {@link #appendRecord(ByteBuf, int, int, Head.WriterContext)} with the record value copied into
     * {@code values} from index 0.
     */
    synchronized void appendRecord(final byte[] values, final int samples, final Head.WriterContext ctx) {
        if (appendInOrder(values, samples, ctx)) {
            return;
        }
        for (int i = 0; i < samples; i++) {
            final int at = i * SampleRecordCodec.SAMPLE_LENGTH;
            final long ts = (long) LONGS.get(values, at);
            ctx.count(appendLocked(ts, (long) LONGS.get(values, at + 8), ctx), ts);
        }
    }

    /**
     * The common record, taken whole: its samples strictly ascending, all newer than the series' newest, no late
     * chunk to settle, and all of them fitting in the open chunk's room and block window (so no cut is due before
     * any of them). Then {@link #appendLocked} would append each one to the open chunk, and this does the same in
     * one copy with one set of checks. False, having changed nothing, for any other record.
     */
    private boolean appendInOrder(final byte[] values, final int samples, final Head.WriterContext ctx) {
        if (samples == 0 || lateIndex >= 0 || openCount + samples > ctx.maxSamples) {
            return false;
        }
        final long first = (long) LONGS.get(values, 0);
        if (maxTs != Long.MIN_VALUE && first <= maxTs) {
            return false;
        }
        long last = first;
        for (int i = 1; i < samples; i++) {
            final long ts = (long) LONGS.get(values, i * SampleRecordCodec.SAMPLE_LENGTH);
            if (ts <= last) {
                return false;
            }
            last = ts;
        }
        // the window is one contiguous range and openTs[0] <= maxTs < first < ... < last
        if (!ctx.sameWindow(last, openCount > 0 ? openTs[0] : first)) {
            return false;
        }
        if (openCount + samples > openTs.length) {
            final int capacity = Math.min(ctx.maxSamples, Math.max(openCount + samples, openTs.length * 2));
            openTs = Arrays.copyOf(openTs, capacity);
            openBits = Arrays.copyOf(openBits, capacity);
        }
        final long[] t = openTs;
        final long[] b = openBits;
        int w = openCount;
        for (int i = 0; i < samples; i++, w++) {
            final int at = i * SampleRecordCodec.SAMPLE_LENGTH;
            t[w] = (long) LONGS.get(values, at);
            b[w] = (long) LONGS.get(values, at + 8);
        }
        openCount = w;
        openChunk = null;
        maxTs = last;
        ctx.appended += samples;
        if (last > ctx.maxAppendedTs) {
            ctx.maxAppendedTs = last;
        }
        return true;
    }

    private AppendStatus appendLocked(final long ts, final long bits, final Head.WriterContext ctx) {
        if (maxTs == Long.MIN_VALUE || ts > maxTs) {
            if (openCount > 0 && (openCount >= ctx.maxSamples || !ctx.sameWindow(ts, openTs[0]))) {
                cut(ctx);
            }
            if (lateIndex >= 0 && !ctx.outOfOrder.accepts(lateTs[lateCount - 1], ts)) {
                settle(ctx.writer, ctx.out);
            }
            ensureOpenCapacity(ctx.maxSamples);
            openTs[openCount] = ts;
            openBits[openCount] = bits;
            openCount++;
            openChunk = null;
            maxTs = ts;
            return AppendStatus.APPENDED;
        }
        if (!ctx.outOfOrder.accepts(ts, maxTs) || ts <= flushedMaxTs) {
            return AppendStatus.TOO_OLD;
        }
        if (openCount > 0 && ts >= openTs[0]) {
            if (ctx.sameWindow(ts, openTs[0])) {
                return insertOpen(ts, bits, ctx);
            }
            // after the newest samples were deleted (or a restore), ts may follow the open samples in a later
            // window: it starts the next chunk, so no chunk spans a block boundary
            cut(ctx);
            openTs[0] = ts;
            openBits[0] = bits;
            openCount = 1;
            return AppendStatus.APPENDED;
        }
        if (openCount > 0 && chunkCount > 0 && ts > maxTimeAt(chunkCount - 1)
            && ctx.sameWindow(ts, openTs[0])) {
            // between the last closed chunk and the open one (a chunk cut because it was full): the open chunk
            // takes it, no closed chunk is re-encoded
            return insertOpen(ts, bits, ctx);
        }
        return insertClosed(ts, bits, ctx);
    }

    private AppendStatus insertOpen(final long ts, final long bits, final Head.WriterContext ctx) {
        final int i = Arrays.binarySearch(openTs, 0, openCount, ts);
        if (i >= 0) {
            return openBits[i] == bits ? AppendStatus.DUPLICATE : AppendStatus.CONFLICT;
        }
        final int at = -i - 1;
        ensureOpenCapacity(ctx.maxSamples);
        insertAt(openTs, openBits, openCount, at, ts, bits);
        openCount++;
        openChunk = null;
        if (openCount >= ctx.maxSamples) {
            cut(ctx);
        }
        return AppendStatus.APPENDED;
    }

    private AppendStatus insertClosed(final long ts, final long bits, final Head.WriterContext ctx) {
        if (chunkCount == 0 && openCount == 0) {
            ensureOpenCapacity(ctx.maxSamples);
            openTs[0] = ts;
            openBits[0] = bits;
            openCount = 1;
            openChunk = null;
            return AppendStatus.APPENDED;
        }
        int c = -1;
        for (int i = chunkCount - 1; i >= 0; i--) {
            if (minTimeAt(i) <= ts) {
                c = i;
                break;
            }
        }
        if (c < 0 && chunkCount == 0) {
            // only an open chunk, and ts is before its first sample
            if (ctx.sameWindow(ts, openTs[0])) {
                return insertOpen(ts, bits, ctx);
            }
            insertChunk(0, single(ts, bits, ctx));
            return AppendStatus.APPENDED;
        }
        final int target = c < 0 ? 0 : c;
        if (!ctx.sameWindow(ts, minTimeAt(target)) || countAt(target) >= ChunkDescriptor.MAX_SAMPLES - 1) {
            insertChunk(c < 0 ? 0 : c + 1, single(ts, bits, ctx));
            return AppendStatus.APPENDED;
        }
        return insertLate(target, ts, bits, ctx);
    }

    /** Inserts into closed chunk {@code target}, held raw as the late chunk (settling another one first). */
    private AppendStatus insertLate(final int target, final long ts, final long bits, final Head.WriterContext ctx) {
        if (lateIndex != target) {
            settle(ctx.writer, ctx.out);
            final ChunkReader r = ctx.reader.reset(chunks[target].data(), "head");
            final int n = r.count();
            if (lateTs == null || lateTs.length <= n) {
                lateTs = new long[n + 16];
                lateBits = new long[n + 16];
            }
            for (int i = 0; i < n; i++) {
                lateTs[i] = r.timestampAt(i);
                lateBits[i] = r.valueBitsAt(i);
            }
            lateCount = n;
            lateIndex = target;
            lateChanged = false;
        }
        final int i = Arrays.binarySearch(lateTs, 0, lateCount, ts);
        if (i >= 0) {
            return lateBits[i] == bits ? AppendStatus.DUPLICATE : AppendStatus.CONFLICT;
        }
        final int at = -i - 1;
        if (lateCount == lateTs.length) {
            lateTs = Arrays.copyOf(lateTs, lateCount * 2);
            lateBits = Arrays.copyOf(lateBits, lateTs.length);
        }
        insertAt(lateTs, lateBits, lateCount, at, ts, bits);
        lateCount++;
        lateChanged = true;
        return AppendStatus.APPENDED;
    }

    /** Shifts samples [at, count) of the parallel arrays up by one and puts (ts, bits) at {@code at} (room known). */
    private static void insertAt(final long[] tsArray, final long[] bitsArray, final int count, final int at,
                                 final long ts, final long bits) {
        System.arraycopy(tsArray, at, tsArray, at + 1, count - at);
        System.arraycopy(bitsArray, at, bitsArray, at + 1, count - at);
        tsArray[at] = ts;
        bitsArray[at] = bits;
    }

    /** Re-encodes the late chunk (when it changed) into its slot and drops its raw samples. */
    private void settle(final ChunkWriter writer, final BitWriter out) {
        if (lateIndex < 0) {
            return;
        }
        if (lateChanged) {
            out.reset();
            writer.encode(lateTs, lateBits, lateCount, out);
            chunks[lateIndex] = new HeadChunk(lateTs[0], lateTs[lateCount - 1], lateCount, out.toByteArray());
        }
        lateIndex = -1;
        lateTs = null;
        lateBits = null;
        lateCount = 0;
        lateChanged = false;
    }

    private long minTimeAt(final int i) {
        return i == lateIndex ? lateTs[0] : chunks[i].minTimeMs();
    }

    private long maxTimeAt(final int i) {
        return i == lateIndex ? lateTs[lateCount - 1] : chunks[i].maxTimeMs();
    }

    private int countAt(final int i) {
        return i == lateIndex ? lateCount : chunks[i].count();
    }

    private static HeadChunk single(final long ts, final long bits, final Head.WriterContext ctx) {
        final long[] t = ctx.scratchTs(1);
        final long[] b = ctx.scratchBits(1);
        t[0] = ts;
        b[0] = bits;
        return ctx.encode(t, b, 1);
    }

    private void insertChunk(final int at, final HeadChunk chunk) {
        if (at <= lateIndex) {
            // the late chunk keeps its raw samples until the next settle, whatever its slot
            lateIndex++;
        }
        if (chunkCount == chunks.length) {
            chunks = Arrays.copyOf(chunks, chunkCount * 2);
        }
        System.arraycopy(chunks, at, chunks, at + 1, chunkCount - at);
        chunks[at] = chunk;
        chunkCount++;
    }

    private void ensureOpenCapacity(final int maxSamples) {
        if (openCount == openTs.length) {
            final int capacity = Math.min(Math.max(maxSamples, openCount + 1), openTs.length * 2);
            openTs = Arrays.copyOf(openTs, Math.max(capacity, openCount + 1));
            openBits = Arrays.copyOf(openBits, openTs.length);
        }
    }

    private void cut(final Head.WriterContext ctx) {
        // the cached encoding of the open samples is exactly the closed chunk: no second encode
        final HeadChunk cached = openChunk;
        insertChunk(chunkCount, cached != null ? cached : ctx.encode(openTs, openBits, openCount));
        openCount = 0;
        openChunk = null;
    }

    /** Closes the open chunk when its newest sample is before {@code boundaryMs}. */
    synchronized void closeOpenBefore(final long boundaryMs, final Head.WriterContext ctx) {
        if (openCount > 0 && openTs[openCount - 1] < boundaryMs) {
            cut(ctx);
        }
    }

    /** The closed chunks whose newest sample is before {@code boundaryMs}, copied. */
    synchronized HeadChunk[] closedChunksBefore(final long boundaryMs, final Head.WriterContext ctx) {
        settle(ctx.writer, ctx.out);
        int n = 0;
        for (int i = 0; i < chunkCount; i++) {
            if (chunks[i].maxTimeMs() < boundaryMs) {
                n++;
            }
        }
        final HeadChunk[] out = new HeadChunk[n];
        int w = 0;
        for (int i = 0; i < chunkCount; i++) {
            if (chunks[i].maxTimeMs() < boundaryMs) {
                out[w++] = chunks[i];
            }
        }
        return out;
    }

    /** The closed chunks, copied (call {@link #closeOpen} first to include the open samples). */
    synchronized HeadChunk[] closedChunks(final Head.WriterContext ctx) {
        settle(ctx.writer, ctx.out);
        return Arrays.copyOf(chunks, chunkCount);
    }

    /** Restores state from a checkpoint (ingest thread, before serving). */
    synchronized void restore(final HeadChunk[] restored, final long restoredMaxTs, final long restoredFlushedMaxTs,
                              final Head.WriterContext ctx) {
        flushedMaxTs = restoredFlushedMaxTs;
        openChunk = null;
        settle(ctx.writer, ctx.out);
        chunks = Arrays.copyOf(restored, Math.max(2, restored.length));
        chunkCount = restored.length;
        maxTs = restoredMaxTs;
        if (chunkCount > 0 && chunks[chunkCount - 1].count() < ctx.maxSamples) {
            final HeadChunk last = chunks[--chunkCount];
            chunks[chunkCount] = null;
            final ChunkReader r = ctx.reader.reset(last.data(), "checkpoint");
            openTs = new long[Math.max(r.count(), Math.min(ctx.maxSamples, 16))];
            openBits = new long[openTs.length];
            for (int i = 0; i < r.count(); i++) {
                openTs[i] = r.timestampAt(i);
                openBits[i] = r.valueBitsAt(i);
            }
            openCount = r.count();
            openChunk = last;
        }
    }

    /**
     * Marks this series removed when it holds no sample (no open, closed or late chunk): head GC, on the ingest
     * thread, after {@link #dropChunksBefore}. Returns whether it did.
     */
    synchronized boolean markRemovedIfEmpty() {
        if (chunkCount > 0 || openCount > 0 || lateIndex >= 0) {
            return false;
        }
        removed = true;
        // the prediction chain through removed series would keep them reachable
        nextSeen = null;
        return true;
    }

    /** Whether head GC removed this series from the registry (it then stays empty: appends go to a new series). */
    public boolean removed() {
        return removed;
    }

    /** Removes closed chunks whose last sample is before {@code boundaryMs}; returns how many. */
    synchronized int dropChunksBefore(final long boundaryMs, final Head.WriterContext ctx) {
        settle(ctx.writer, ctx.out);
        int w = 0;
        for (int i = 0; i < chunkCount; i++) {
            if (chunks[i].maxTimeMs() >= boundaryMs) {
                chunks[w++] = chunks[i];
            } else {
                flushedMaxTs = Math.max(flushedMaxTs, chunks[i].maxTimeMs());
            }
        }
        final int dropped = chunkCount - w;
        Arrays.fill(chunks, w, chunkCount, null);
        chunkCount = w;
        return dropped;
    }

    /** Deletes the samples in [minT, maxT] (tombstone cleaning); returns how many. Ingest thread. */
    synchronized int removeRange(final long minT, final long maxT, final Head.WriterContext ctx) {
        settle(ctx.writer, ctx.out);
        int removed = 0;
        int w = 0;
        for (int i = 0; i < chunkCount; i++) {
            final HeadChunk c = chunks[i];
            if (c.maxTimeMs() < minT || c.minTimeMs() > maxT) {
                chunks[w++] = c;
                continue;
            }
            final ChunkReader r = ctx.reader.reset(c.data(), "head");
            final long[] t = ctx.scratchTs(r.count());
            final long[] b = ctx.scratchBits(r.count());
            int n = 0;
            for (int j = 0; j < r.count(); j++) {
                if (r.timestampAt(j) < minT || r.timestampAt(j) > maxT) {
                    t[n] = r.timestampAt(j);
                    b[n++] = r.valueBitsAt(j);
                }
            }
            removed += r.count() - n;
            if (n > 0) {
                chunks[w++] = ctx.encode(t, b, n);
            }
        }
        Arrays.fill(chunks, w, chunkCount, null);
        chunkCount = w;
        int o = 0;
        for (int j = 0; j < openCount; j++) {
            if (openTs[j] < minT || openTs[j] > maxT) {
                openTs[o] = openTs[j];
                openBits[o++] = openBits[j];
            }
        }
        if (o != openCount) {
            removed += openCount - o;
            openCount = o;
            openChunk = null;
        }
        return removed;
    }

    /** Whether any sample lies in [minT, maxT]. */
    public synchronized boolean overlaps(final long minT, final long maxT) {
        for (int i = 0; i < chunkCount; i++) {
            if (maxTimeAt(i) >= minT && minTimeAt(i) <= maxT) {
                return true;
            }
        }
        return openCount > 0 && openTs[openCount - 1] >= minT && openTs[0] <= maxT;
    }

    /** Copies the samples in [minT, maxT] into {@code sink} in timestamp order. */
    public synchronized void samples(final long minT, final long maxT, final ChunkReader reader,
                                     final SampleSink sink) {
        for (int i = 0; i < chunkCount; i++) {
            if (maxTimeAt(i) < minT || minTimeAt(i) > maxT) {
                continue;
            }
            if (i == lateIndex) {
                for (int j = 0; j < lateCount; j++) {
                    if (lateTs[j] >= minT && lateTs[j] <= maxT) {
                        sink.add(lateTs[j], lateBits[j]);
                    }
                }
                continue;
            }
            reader.reset(chunks[i].data(), "head");
            for (int j = 0; j < reader.count(); j++) {
                final long t = reader.timestampAt(j);
                if (t >= minT && t <= maxT) {
                    sink.add(t, reader.valueBitsAt(j));
                }
            }
        }
        for (int j = 0; j < openCount; j++) {
            final long t = openTs[j];
            if (t >= minT && t <= maxT) {
                sink.add(t, openBits[j]);
            }
        }
    }

    /**
     * Adds the closed chunks overlapping [minT, maxT] to {@code into} (as stored, ascending) and returns the open
     * samples as one more chunk when they overlap the range, else null. One consistent view. The open chunk is
     * encoded (with {@code writer} into {@code out}, which is written only then) by the first call after the open
     * samples change and the same instance is returned until they change again.
     */
    public synchronized HeadChunk chunks(final long minT, final long maxT, final List<HeadChunk> into,
                                         final ChunkWriter writer, final BitWriter out) {
        if (lateIndex >= 0) {
            settle(writer, out);
            out.reset();
        }
        for (int i = 0; i < chunkCount; i++) {
            if (chunks[i].maxTimeMs() >= minT && chunks[i].minTimeMs() <= maxT) {
                into.add(chunks[i]);
            }
        }
        if (openCount == 0 || openTs[openCount - 1] < minT || openTs[0] > maxT) {
            return null;
        }
        return openChunk(writer, out);
    }

    private HeadChunk openChunk(final ChunkWriter writer, final BitWriter out) {
        HeadChunk c = openChunk;
        if (c == null) {
            out.reset();
            writer.encode(openTs, openBits, openCount, out);
            c = new HeadChunk(openTs[0], openTs[openCount - 1], openCount, out.toByteArray());
            openChunk = c;
        }
        return c;
    }

    /** Samples held (closed and open). */
    public synchronized long sampleCount() {
        long n = openCount;
        for (int i = 0; i < chunkCount; i++) {
            n += countAt(i);
        }
        return n;
    }

    /** The open samples as a chunk without closing them (cached as for {@link #chunks}), or null when none. */
    synchronized HeadChunk encodeOpen(final ChunkWriter writer, final BitWriter out) {
        return openCount == 0 ? null : openChunk(writer, out);
    }
}
