package io.metricstream.storage.head;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.chunk.BitWriter;
import io.metricstream.contracts.chunk.ChunkDescriptor;
import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.contracts.chunk.ChunkWriter;
import io.metricstream.contracts.chunk.SampleSink;
import java.util.Arrays;
import java.util.List;

/**
 * One series in the head: closed chunks (encoded, sorted, non-overlapping) and one open chunk kept as raw samples.
 * Appends come from the single ingest thread; queries read concurrently. Guarded by {@code this}: the lock is held
 * for one append (tens of ns, uncontended in steady state) or one query copy, which is cheaper and simpler than a
 * lock-free publication of the open arrays.
 */
public final class MemSeries {
    // immutable after construction
    final long ref;
    final long hash;
    final byte[] key;
    final LabelSet labels;
    // written only by the registry on the ingest thread
    MemSeries nextInBucket;

    // guarded by this
    private HeadChunk[] chunks = new HeadChunk[2];
    private int chunkCount;
    private long[] openTs;
    private long[] openBits;
    private int openCount;
    private long maxTs = Long.MIN_VALUE;
    private long flushedMaxTs = Long.MIN_VALUE;

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

    /** Newest timestamp of this series already moved into a block (Long.MIN_VALUE when none). */
    public synchronized long flushedMaxTimeMs() {
        return flushedMaxTs;
    }

    /** Newest timestamp appended (Long.MIN_VALUE when none). */
    public synchronized long maxTimeMs() {
        return maxTs;
    }

    synchronized AppendStatus append(final long ts, final long bits, final Head.WriterContext ctx) {
        if (maxTs == Long.MIN_VALUE || ts > maxTs) {
            if (openCount > 0 && (openCount >= ctx.maxSamples || ctx.window(ts) != ctx.window(openTs[0]))) {
                cut(ctx);
            }
            ensureOpenCapacity(ctx.maxSamples);
            openTs[openCount] = ts;
            openBits[openCount] = bits;
            openCount++;
            maxTs = ts;
            return AppendStatus.APPENDED;
        }
        if (!ctx.outOfOrder.accepts(ts, maxTs) || ts <= flushedMaxTs) {
            return AppendStatus.TOO_OLD;
        }
        if (openCount > 0 && ts >= openTs[0]) {
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
        System.arraycopy(openTs, at, openTs, at + 1, openCount - at);
        System.arraycopy(openBits, at, openBits, at + 1, openCount - at);
        openTs[at] = ts;
        openBits[at] = bits;
        openCount++;
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
            return AppendStatus.APPENDED;
        }
        int c = -1;
        for (int i = chunkCount - 1; i >= 0; i--) {
            if (chunks[i].minTimeMs() <= ts) {
                c = i;
                break;
            }
        }
        if (c < 0 && chunkCount == 0) {
            // only an open chunk, and ts is before its first sample
            if (ctx.window(ts) == ctx.window(openTs[0])) {
                return insertOpen(ts, bits, ctx);
            }
            insertChunk(0, single(ts, bits, ctx));
            return AppendStatus.APPENDED;
        }
        final int target = c < 0 ? 0 : c;
        final HeadChunk chunk = chunks[target];
        if (ctx.window(ts) != ctx.window(chunk.minTimeMs())
            || chunk.count() >= ChunkDescriptor.MAX_SAMPLES - 1) {
            insertChunk(c < 0 ? 0 : c + 1, single(ts, bits, ctx));
            return AppendStatus.APPENDED;
        }
        final ChunkReader r = ctx.reader.reset(chunk.data(), "head");
        final int n = r.count();
        final long[] ts2 = ctx.scratchTs(n + 1);
        final long[] bits2 = ctx.scratchBits(n + 1);
        int w = 0;
        boolean inserted = false;
        for (int i = 0; i < n; i++) {
            final long t = r.timestampAt(i);
            if (t == ts) {
                return r.valueBitsAt(i) == bits ? AppendStatus.DUPLICATE : AppendStatus.CONFLICT;
            }
            if (!inserted && t > ts) {
                ts2[w] = ts;
                bits2[w++] = bits;
                inserted = true;
            }
            ts2[w] = t;
            bits2[w++] = r.valueBitsAt(i);
        }
        if (!inserted) {
            ts2[w] = ts;
            bits2[w++] = bits;
        }
        chunks[target] = ctx.encode(ts2, bits2, w);
        return AppendStatus.APPENDED;
    }

    private static HeadChunk single(final long ts, final long bits, final Head.WriterContext ctx) {
        final long[] t = ctx.scratchTs(1);
        final long[] b = ctx.scratchBits(1);
        t[0] = ts;
        b[0] = bits;
        return ctx.encode(t, b, 1);
    }

    private void insertChunk(final int at, final HeadChunk chunk) {
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
        insertChunk(chunkCount, ctx.encode(openTs, openBits, openCount));
        openCount = 0;
    }

    /** Closes the open chunk when its newest sample is before {@code boundaryMs}. */
    synchronized void closeOpenBefore(final long boundaryMs, final Head.WriterContext ctx) {
        if (openCount > 0 && openTs[openCount - 1] < boundaryMs) {
            cut(ctx);
        }
    }

    /** The closed chunks whose newest sample is before {@code boundaryMs}, copied. */
    synchronized HeadChunk[] closedChunksBefore(final long boundaryMs) {
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
    synchronized HeadChunk[] closedChunks() {
        return Arrays.copyOf(chunks, chunkCount);
    }

    /** Restores state from a checkpoint (ingest thread, before serving). */
    synchronized void restore(final HeadChunk[] restored, final long restoredMaxTs, final long restoredFlushedMaxTs,
                              final Head.WriterContext ctx) {
        flushedMaxTs = restoredFlushedMaxTs;
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
        }
    }

    /** Removes closed chunks whose last sample is before {@code boundaryMs}; returns how many. */
    synchronized int dropChunksBefore(final long boundaryMs) {
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
        removed += openCount - o;
        openCount = o;
        return removed;
    }

    /** Whether any sample lies in [minT, maxT]. */
    public synchronized boolean overlaps(final long minT, final long maxT) {
        for (int i = 0; i < chunkCount; i++) {
            if (chunks[i].maxTimeMs() >= minT && chunks[i].minTimeMs() <= maxT) {
                return true;
            }
        }
        return openCount > 0 && openTs[openCount - 1] >= minT && openTs[0] <= maxT;
    }

    /** Copies the samples in [minT, maxT] into {@code sink} in timestamp order. */
    public synchronized void samples(final long minT, final long maxT, final ChunkReader reader,
                                     final SampleSink sink) {
        for (int i = 0; i < chunkCount; i++) {
            final HeadChunk c = chunks[i];
            if (c.maxTimeMs() < minT || c.minTimeMs() > maxT) {
                continue;
            }
            reader.reset(c.data(), "head");
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
     * samples encoded on demand as one more chunk when they overlap the range, else null. One consistent view.
     */
    public synchronized HeadChunk chunks(final long minT, final long maxT, final List<HeadChunk> into,
                                         final ChunkWriter writer, final BitWriter out) {
        for (int i = 0; i < chunkCount; i++) {
            if (chunks[i].maxTimeMs() >= minT && chunks[i].minTimeMs() <= maxT) {
                into.add(chunks[i]);
            }
        }
        if (openCount == 0 || openTs[openCount - 1] < minT || openTs[0] > maxT) {
            return null;
        }
        out.reset();
        writer.encode(openTs, openBits, openCount, out);
        return new HeadChunk(openTs[0], openTs[openCount - 1], openCount, out.toByteArray());
    }

    /** Samples held (closed and open). */
    public synchronized long sampleCount() {
        long n = openCount;
        for (int i = 0; i < chunkCount; i++) {
            n += chunks[i].count();
        }
        return n;
    }

    /** Encodes the open samples into {@code out} as a chunk without closing them; returns false when empty. */
    synchronized boolean encodeOpen(final ChunkWriter writer, final BitWriter out) {
        if (openCount == 0) {
            return false;
        }
        writer.encode(openTs, openBits, openCount, out);
        return true;
    }
}
