package io.metricstream.contracts.storage;

import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.wire.WireReader;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * One series with its samples as encoded chunks (docs/format/chunk.md), as a SELECT_CHUNKS answer carries them.
 * Body of each SELECT_CHUNKS response frame:
 * <pre>
 *   int32  seriesCount
 *   repeated seriesCount times:
 *     bytes32  seriesKey     canonical label set (docs/format/series-key.md)
 *     int32    chunkCount    >= 1
 *     repeated chunkCount times:
 *       int64    minTimeMs   first sample's timestamp
 *       int64    maxTimeMs   last sample's timestamp
 *       bytes32  chunk       one chunk, docs/format/chunk.md
 * </pre>
 * Chunks of a series come in ascending {@code minTimeMs}. They may overlap (out-of-order data still in the head)
 * and may hold samples outside the requested range: {@link #decode} trims to the range and merges, keeping the
 * first occurrence of a timestamp. Deleted samples never appear (storage re-encodes a chunk a tombstone touches).
 * One series may be split across consecutive entries (same key) when it is too large for one frame; the client
 * joins them.
 *
 * @param labels the series
 * @param minTimes first timestamp of each chunk
 * @param maxTimes last timestamp of each chunk
 * @param chunks the encoded chunks
 */
public record SeriesChunks(LabelSet labels, long[] minTimes, long[] maxTimes, byte[][] chunks) {
    /** Bytes of one chunk entry besides the chunk itself: two int64 and the bytes32 length. */
    public static final int CHUNK_ENTRY_OVERHEAD = 8 + 8 + 4;

    /** Number of chunks. */
    public int chunkCount() {
        return chunks.length;
    }

    /** Starts one series entry: writes its key and a chunk-count placeholder; returns where the count goes. */
    public static int beginSeries(final ByteBuf out, final byte[] seriesKey) {
        return AnswerSeries.beginEntry(out, seriesKey);
    }

    /** Writes one chunk entry of {@code length} bytes of {@code chunk} at {@code at}. */
    public static void writeChunk(final ByteBuf out, final long minTimeMs, final long maxTimeMs,
                                  final ByteBuffer chunk, final int at, final int length) {
        out.writeLong(minTimeMs);
        out.writeLong(maxTimeMs);
        out.writeInt(length);
        out.ensureWritable(length);
        final int w = out.writerIndex();
        if (out.nioBufferCount() == 1) {
            // an absolute bulk put: no ByteBuffer view per chunk (duplicate/limit/position were ~20 % of the storage
            // query thread's samples serving SELECT_CHUNKS)
            final ByteBuffer dst = out.internalNioBuffer(w, length);
            dst.put(dst.position(), chunk, at, length);
            out.writerIndex(w + length);
        } else {
            out.writeBytes(chunk.duplicate().limit(at + length).position(at));
        }
    }

    /** Writes one chunk entry held in an array. */
    public static void writeChunk(final ByteBuf out, final long minTimeMs, final long maxTimeMs,
                                  final byte[] chunk, final int length) {
        out.writeLong(minTimeMs);
        out.writeLong(maxTimeMs);
        out.writeInt(length);
        out.writeBytes(chunk, 0, length);
    }

    /** Ends the series begun at {@code countAt} with {@code chunkCount} chunks written. */
    public static void endSeries(final ByteBuf out, final int countAt, final int chunkCount) {
        out.setInt(countAt, chunkCount);
    }

    /** Writes a whole SELECT_CHUNKS answer body holding {@code series} (tests, fakes). */
    public static void encodeList(final ByteBuf out, final List<SeriesChunks> series) {
        out.writeInt(series.size());
        for (final SeriesChunks s : series) {
            AnswerSeries.writeKey(out, s.labels);
            final int countAt = out.writerIndex();
            out.writeInt(0);
            for (int i = 0; i < s.chunks.length; i++) {
                writeChunk(out, s.minTimes[i], s.maxTimes[i], s.chunks[i], s.chunks[i].length);
            }
            endSeries(out, countAt, s.chunks.length);
        }
    }

    /**
     * Decodes one SELECT_CHUNKS answer body, adding its series to {@code into} (chunk bytes are copied out of
     * {@code buf}); false when malformed. A series continuing the previous entry (same key) is joined to it.
     *
     * <p>Its own loop over the entries, not {@link AnswerSeries#decodeEntries}'s: that loop, shared with the windows
     * and samples answers, was compiled from whichever answers came first (query.sh's count_over_time probe:
     * windows), and a first range query's chunks answer then trapped in it (session 8 JIT logs: profile_predicate).
     */
    public static boolean decodeList(final WireReader r, final ByteBuf buf, final List<SeriesChunks> into) {
        final int count = AnswerSeries.count(r);
        if (count < 0) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            final LabelSet labels = AnswerSeries.key(r, buf, i);
            if (labels == null || !decodeEntry(r, buf, labels, i, into)) {
                return false;
            }
        }
        return r.expectEnd("select chunks answer");
    }

    /** The chunks of series {@code i} after its key; false when malformed. */
    private static boolean decodeEntry(final WireReader r, final ByteBuf buf, final LabelSet labels, final int i,
                                       final List<SeriesChunks> into) {
        final int chunkCount = r.int32("chunkCount");
        if (!r.ok() || chunkCount < 1 || chunkCount > r.remaining() / CHUNK_ENTRY_OVERHEAD) {
            r.fail("bad chunk count " + chunkCount + " in series " + i);
            return false;
        }
        final long[] mins = new long[chunkCount];
        final long[] maxs = new long[chunkCount];
        final byte[][] chunks = new byte[chunkCount][];
        for (int c = 0; c < chunkCount; c++) {
            mins[c] = r.int64("minTimeMs");
            maxs[c] = r.int64("maxTimeMs");
            final int at = r.bytes32("chunk");
            if (!r.ok()) {
                return false;
            }
            if (maxs[c] < mins[c] || c > 0 && mins[c] < mins[c - 1]) {
                r.fail("chunk " + c + " of series " + i + " out of order or with maxTimeMs < minTimeMs");
                return false;
            }
            chunks[c] = new byte[r.lastLength()];
            buf.getBytes(at, chunks[c]);
        }
        join(into, new SeriesChunks(labels, mins, maxs, chunks));
        return true;
    }

    private static void join(final List<SeriesChunks> into, final SeriesChunks s) {
        final int last = into.size() - 1;
        if (last < 0 || !into.get(last).labels.equals(s.labels)) {
            into.add(s);
            return;
        }
        final SeriesChunks prev = into.get(last);
        final int n = prev.chunks.length;
        final long[] mins = Arrays.copyOf(prev.minTimes, n + s.chunks.length);
        final long[] maxs = Arrays.copyOf(prev.maxTimes, n + s.chunks.length);
        final byte[][] chunks = Arrays.copyOf(prev.chunks, n + s.chunks.length);
        System.arraycopy(s.minTimes, 0, mins, n, s.chunks.length);
        System.arraycopy(s.maxTimes, 0, maxs, n, s.chunks.length);
        System.arraycopy(s.chunks, 0, chunks, n, s.chunks.length);
        into.set(last, new SeriesChunks(s.labels, mins, maxs, chunks));
    }

    /**
     * Decodes the samples in [minTimeMs, maxTimeMs] (inclusive) in timestamp order, the first occurrence of a
     * timestamp kept. {@code reader} is reused scratch (one per thread). A malformed chunk throws
     * {@link io.metricstream.contracts.chunk.ChunkCorruptException}.
     */
    public SeriesSamples decode(final long minTimeMs, final long maxTimeMs, final ChunkReader reader) {
        long[] ts = new long[estimate(minTimeMs, maxTimeMs)];
        double[] vs = new double[ts.length];
        int n = 0;
        boolean ordered = true;
        for (int c = 0; c < chunks.length; c++) {
            if (maxTimes[c] < minTimeMs || minTimes[c] > maxTimeMs) {
                continue;
            }
            reader.reset(chunks[c], "select chunks answer");
            final int count = reader.count();
            if (n + count > ts.length) {
                ts = Arrays.copyOf(ts, Math.max(n + count, ts.length * 2));
                vs = Arrays.copyOf(vs, ts.length);
            }
            for (int i = 0; i < count; i++) {
                final long t = reader.timestampAt(i);
                if (t < minTimeMs || t > maxTimeMs) {
                    continue;
                }
                if (n > 0 && t <= ts[n - 1]) {
                    ordered = false;
                }
                ts[n] = t;
                vs[n] = Double.longBitsToDouble(reader.valueBitsAt(i));
                n++;
            }
        }
        if (!ordered) {
            return sortedUnique(ts, vs, n);
        }
        return new SeriesSamples(labels, n == ts.length ? ts : Arrays.copyOf(ts, n),
            n == vs.length ? vs : Arrays.copyOf(vs, n));
    }

    private int estimate(final long minTimeMs, final long maxTimeMs) {
        // exact when the chunks lie inside the range, which is the common case; grown otherwise
        int samples = 0;
        for (int c = 0; c < chunks.length; c++) {
            if (maxTimes[c] >= minTimeMs && minTimes[c] <= maxTimeMs && chunks[c].length >= 3) {
                samples += ((chunks[c][1] & 0xFF) << 8) | (chunks[c][2] & 0xFF);
            }
        }
        return Math.max(samples, 1);
    }

    private SeriesSamples sortedUnique(final long[] ts, final double[] vs, final int n) {
        final Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // stable: among equal timestamps the earliest chunk's sample stays first and is the one kept
        Arrays.sort(order, (a, b) -> Long.compare(ts[a], ts[b]));
        final long[] outTs = new long[n];
        final double[] outVs = new double[n];
        int m = 0;
        for (int k = 0; k < n; k++) {
            final int i = order[k];
            if (m > 0 && outTs[m - 1] == ts[i]) {
                continue;
            }
            outTs[m] = ts[i];
            outVs[m] = vs[i];
            m++;
        }
        return new SeriesSamples(labels, Arrays.copyOf(outTs, m), Arrays.copyOf(outVs, m));
    }
}
