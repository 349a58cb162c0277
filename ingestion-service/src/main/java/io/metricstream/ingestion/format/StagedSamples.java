package io.metricstream.ingestion.format;

import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.wire.Hashing;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The parsed, validated samples of one request, staged in two pooled buffers before anything is published:
 * the series keys ({@link SeriesKeyCodec} bytes, each written once per series run) and fixed 40-byte entries,
 * one per sample:
 * <pre>
 *   0  int32 keyAt        index of the series key in {@link #keys()}
 *   4  int32 keyLength
 *   8  int64 timestampMs
 *  16  int64 valueBits    raw IEEE-754 bits (stale markers keep their payload)
 *  24  int32 partition    Hashing.partitionFor(client hash, else series hash, partitions)
 *  28  int32 seriesOrdinal  0, 1, 2 ... per distinct staged series key of the request
 *  32  int64 seriesHash   SeriesKeyCodec.hash of the key, so the batcher's series lookup does not hash it again
 * </pre>
 * {@link #groupBySeries} reorders the entries so each series' samples are adjacent (stable: a series keeps its
 * sample order), which lets the batcher write one record per series instead of one per sample when a body
 * repeats its series (Influx bodies in time order).
 * Staging is what makes a request all-or-nothing: the ring sees a request only after its whole body parsed.
 * The ring's events point into these buffers, so no sample is copied or allocated between parse and batch.
 *
 * <p>Thread ownership: filled by one event loop; then read by the batcher, which releases the buffers after the
 * request's last sample (the ring's sequence publication orders the two).
 */
public final class StagedSamples {
    /** Bytes per staged sample entry. */
    public static final int ENTRY_LENGTH = 40;
    private static final int KEY_LENGTH_AT = 4;
    private static final int TIMESTAMP_AT = 8;
    private static final int VALUE_BITS_AT = TIMESTAMP_AT + Long.BYTES; // right after: copySamplePairs
    private static final int PARTITION_AT = 24;
    private static final int ORDINAL_AT = 28;
    private static final int SERIES_HASH_AT = 32;
    // big-endian, as ByteBuf.getInt / getLong read the entries back
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    // moves eight bytes as they are (no byte swap): copySamplePairs copies, it does not read the values
    private static final VarHandle LONG_NATIVE = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.nativeOrder());
    /** Bytes of a sample's (timestampMs, valueBits) pair, both big-endian int64, as entries hold them. */
    public static final int SAMPLE_PAIR_BYTES = 2 * Long.BYTES;

    private final ByteBuf keys;
    private ByteBuf entries;
    // the entries' heap array and the index of entry 0 in it, for the per-sample readers (the ring's translator):
    // taken at the first read after a write (a write may move the array), so those reads skip ByteBuf's bounds
    // and liveness checks, which were most of the translator's profile
    private byte[] readArray;
    private int readBase;
    private final int maxSamples;
    private int partitions;
    private boolean hasClientId;
    private long clientHash;
    private int seriesKeyAt;
    private int seriesKeyLength;
    private long seriesHash;
    private int seriesPartition;
    private int seriesOrdinal;
    private int seriesCount;
    private int sampleCount;
    private int skippedValues;
    // the ordinal of the last staged sample, and whether some sample's ordinal was lower than its predecessor's:
    // while ordinals never decrease, each series' samples are already adjacent and in ordinal order
    private int lastOrdinal;
    private boolean outOfOrder;
    private boolean released;
    // what mark() saw, for rollBack()
    private int markKeys;
    private int markSamples;
    private int markSkipped;
    private int markSeriesCount;
    private int markLastOrdinal;
    private boolean markOutOfOrder;
    private int markSeriesKeyAt;
    private int markSeriesKeyLength;
    private long markSeriesHash;
    private int markSeriesPartition;
    private int markSeriesOrdinal;

    /** Empty staging with buffers from {@code alloc}; {@code partitions} of the topic at parse time. */
    public StagedSamples(final ByteBufAllocator alloc, final int partitions, final int maxSamples) {
        this(alloc, partitions, maxSamples, 1024);
    }

    /** As above, each buffer starting at {@code initialBytes} (it grows as needed). */
    public StagedSamples(final ByteBufAllocator alloc, final int partitions, final int maxSamples,
                         final int initialBytes) {
        this.keys = alloc.heapBuffer(initialBytes);
        this.entries = alloc.heapBuffer(initialBytes);
        this.partitions = partitions;
        this.maxSamples = maxSamples;
    }

    /** Empties the staging for reuse (benchmarks, allocation tests); {@code partitions} may change. */
    public void reset(final int partitionCount) {
        keys.clear();
        entries.clear();
        readArray = null;
        this.partitions = partitionCount;
        this.hasClientId = false;
        this.sampleCount = 0;
        this.seriesCount = 0;
        this.skippedValues = 0;
        this.lastOrdinal = 0;
        this.outOfOrder = false;
    }

    /**
     * Makes room for {@code entryBytes} more of sample entries and {@code keyBytes} more of series keys, so a
     * large body grows each buffer once instead of doubling from its initial size (growth was ~23 % of
     * StageBench's remote-write decode in a JFR profile, ~5 % of its Influx parse). Entry room is bounded by
     * {@link #maxSamples()}; the caller bounds the key room.
     */
    public void reserve(final int entryBytes, final int keyBytes) {
        final long entryRoom = Math.min(entryBytes, (long) (maxSamples - sampleCount) * ENTRY_LENGTH);
        if (entryRoom > entries.writableBytes()) {
            entries.ensureWritable((int) entryRoom);
            readArray = null;
        }
        if (keyBytes > keys.writableBytes()) {
            keys.ensureWritable(keyBytes);
        }
    }

    /**
     * Remembers what is staged now, so {@link #rollBack()} can undo what is staged after it (a series staged on a
     * parser's fast path that a later check sends down the checking path). Not across {@link #groupBySeries}.
     */
    public void mark() {
        markKeys = keys.writerIndex();
        markSamples = sampleCount;
        markSkipped = skippedValues;
        markSeriesCount = seriesCount;
        markLastOrdinal = lastOrdinal;
        markOutOfOrder = outOfOrder;
        markSeriesKeyAt = seriesKeyAt;
        markSeriesKeyLength = seriesKeyLength;
        markSeriesHash = seriesHash;
        markSeriesPartition = seriesPartition;
        markSeriesOrdinal = seriesOrdinal;
    }

    /**
     * Forgets every series key, sample and skipped value staged since the last {@link #mark()}: the staging reads
     * as it did then, current series included.
     */
    public void rollBack() {
        keys.writerIndex(markKeys);
        entries.writerIndex(markSamples * ENTRY_LENGTH);
        sampleCount = markSamples;
        skippedValues = markSkipped;
        seriesCount = markSeriesCount;
        lastOrdinal = markLastOrdinal;
        outOfOrder = markOutOfOrder;
        seriesKeyAt = markSeriesKeyAt;
        seriesKeyLength = markSeriesKeyLength;
        seriesHash = markSeriesHash;
        seriesPartition = markSeriesPartition;
        seriesOrdinal = markSeriesOrdinal;
    }

    /** Samples of this request all carry a client id whose {@link Hashing#hash64} is {@code hash}. */
    public void clientHash(final long hash) {
        this.hasClientId = true;
        this.clientHash = hash;
    }

    /** Whether a client id picks the partition. */
    public boolean hasClientId() {
        return hasClientId;
    }

    /** The series key buffer, for writers ({@link SeriesKeyBuilder}) and readers (the batcher). */
    public ByteBuf keys() {
        return keys;
    }

    /** Makes the key written at {@code keyAt} (up to the writer index) the series of the next samples. */
    public void endSeries(final int keyAt) {
        seriesKeyAt = keyAt;
        seriesKeyLength = keys.writerIndex() - keyAt;
        seriesHash = SeriesKeyCodec.hash(keys, keyAt, seriesKeyLength);
        seriesPartition = Hashing.partitionFor(hasClientId ? clientHash : seriesHash, partitions);
        seriesOrdinal = seriesCount++;
    }

    /**
     * Stages a series key already built and checked for an earlier request ({@code RawSeriesCache}): copies
     * {@code keyLength} bytes of {@code key} at {@code keyAt} and makes them the series of the next samples, as
     * {@link #endSeries(int)} would, with the key's {@link SeriesKeyCodec#hash} given instead of computed.
     */
    public void addSeries(final byte[] key, final int keyAt, final int keyLength, final long keyHash) {
        seriesKeyAt = keys.writerIndex();
        keys.writeBytes(key, keyAt, keyLength);
        seriesKeyLength = keyLength;
        seriesHash = keyHash;
        seriesPartition = Hashing.partitionFor(hasClientId ? clientHash : keyHash, partitions);
        seriesOrdinal = seriesCount++;
    }

    /** {@link SeriesKeyCodec#hash} of the current series' key (after {@link #endSeries(int)} or addSeries). */
    public long seriesHash() {
        return seriesHash;
    }

    /**
     * Like {@link #endSeries(int)} for a sample with its own client id (seed JSON's per-object {@code client_id}):
     * the partition comes from {@code sampleClientHash} whatever the request-level id.
     */
    public void endSeries(final int keyAt, final long sampleClientHash) {
        seriesKeyAt = keyAt;
        seriesKeyLength = keys.writerIndex() - keyAt;
        seriesHash = SeriesKeyCodec.hash(keys, keyAt, seriesKeyLength);
        seriesPartition = Hashing.partitionFor(sampleClientHash, partitions);
        seriesOrdinal = seriesCount++;
    }

    /** Makes an already staged key the series of the next samples (a series seen earlier in this request). */
    public void reuseSeries(final int keyAt, final int keyLength, final long keyHash, final int partition,
                            final int ordinal) {
        seriesKeyAt = keyAt;
        seriesKeyLength = keyLength;
        seriesHash = keyHash;
        seriesPartition = partition;
        seriesOrdinal = ordinal;
    }

    /** Ordinal of the current series. */
    public int seriesOrdinal() {
        return seriesOrdinal;
    }

    /** Key index of the current series. */
    public int seriesKeyAt() {
        return seriesKeyAt;
    }

    /** Key length of the current series. */
    public int seriesKeyLength() {
        return seriesKeyLength;
    }

    /** Partition of the current series. */
    public int seriesPartition() {
        return seriesPartition;
    }

    /** Discards the key written since {@code keyAt} (a series whose samples are all skipped). */
    public void discardSeries(final int keyAt) {
        keys.writerIndex(keyAt);
    }

    /** Stages a sample of the current series; false when the request already holds {@code maxSamples}. */
    public boolean addSample(final long timestampMs, final long valueBits) {
        if (sampleCount == maxSamples) {
            return false;
        }
        readArray = null;
        outOfOrder |= seriesOrdinal < lastOrdinal;
        lastOrdinal = seriesOrdinal;
        if (entries.hasArray()) {
            // one capacity check per entry instead of six checked writes (a sixth of the event loop's samples)
            final int w = entries.writerIndex();
            entries.ensureWritable(ENTRY_LENGTH);
            final byte[] a = entries.array();
            final int at = entries.arrayOffset() + w;
            INT_BE.set(a, at, seriesKeyAt);
            INT_BE.set(a, at + KEY_LENGTH_AT, seriesKeyLength);
            LONG_BE.set(a, at + TIMESTAMP_AT, timestampMs);
            LONG_BE.set(a, at + VALUE_BITS_AT, valueBits);
            INT_BE.set(a, at + PARTITION_AT, seriesPartition);
            INT_BE.set(a, at + ORDINAL_AT, seriesOrdinal);
            LONG_BE.set(a, at + SERIES_HASH_AT, seriesHash);
            entries.writerIndex(w + ENTRY_LENGTH);
        } else {
            entries.writeInt(seriesKeyAt).writeInt(seriesKeyLength).writeLong(timestampMs).writeLong(valueBits)
                .writeInt(seriesPartition).writeInt(seriesOrdinal).writeLong(seriesHash);
        }
        sampleCount++;
        return true;
    }

    /** Counts a value that cannot be a float sample (Influx string field, native histogram) and is skipped. */
    public void skipValue() {
        skippedValues++;
    }

    /** Samples staged. */
    public int sampleCount() {
        return sampleCount;
    }

    /** Values skipped (not float samples). */
    public int skippedValues() {
        return skippedValues;
    }

    /** Most samples this staging accepts. */
    public int maxSamples() {
        return maxSamples;
    }

    /** Bytes held by the staging buffers (what a request costs in memory until its samples are batched). */
    public int stagedBytes() {
        return keys.writerIndex() + entries.writerIndex();
    }

    /** Bytes the staging buffers hold allocated (staged bytes plus room to grow). */
    public int capacityBytes() {
        return keys.capacity() + entries.capacity();
    }

    /** Bytes of all series keys staged. */
    public int keyBytes() {
        return keys.writerIndex();
    }

    /** Key index of sample {@code i}. */
    public int keyAt(final int i) {
        final byte[] a = readArray();
        return a != null ? (int) INT_BE.get(a, readBase + i * ENTRY_LENGTH)
            : entries.getInt(i * ENTRY_LENGTH);
    }

    /** Key length of sample {@code i}. */
    public int keyLength(final int i) {
        final byte[] a = readArray();
        return a != null ? (int) INT_BE.get(a, readBase + i * ENTRY_LENGTH + KEY_LENGTH_AT)
            : entries.getInt(i * ENTRY_LENGTH + KEY_LENGTH_AT);
    }

    /** Timestamp of sample {@code i}. */
    public long timestampMs(final int i) {
        final byte[] a = readArray();
        return a != null ? (long) LONG_BE.get(a, readBase + i * ENTRY_LENGTH + TIMESTAMP_AT)
            : entries.getLong(i * ENTRY_LENGTH + TIMESTAMP_AT);
    }

    /** Raw value bits of sample {@code i}. */
    public long valueBits(final int i) {
        final byte[] a = readArray();
        return a != null ? (long) LONG_BE.get(a, readBase + i * ENTRY_LENGTH + VALUE_BITS_AT)
            : entries.getLong(i * ENTRY_LENGTH + VALUE_BITS_AT);
    }

    /** {@link SeriesKeyCodec#hash} of sample {@code i}'s series key. */
    public long seriesHash(final int i) {
        final byte[] a = readArray();
        return a != null ? (long) LONG_BE.get(a, readBase + i * ENTRY_LENGTH + SERIES_HASH_AT)
            : entries.getLong(i * ENTRY_LENGTH + SERIES_HASH_AT);
    }

    /**
     * Copies the (timestampMs, valueBits) pairs of samples {@code [from, from + count)} into {@code dst} at
     * {@code dstAt}, {@value #SAMPLE_PAIR_BYTES} bytes each, big-endian, back to back ({@code SampleRecordCodec}'s
     * value layout): the entries already hold them so, and moving their bytes skips two byte swaps and two checked
     * reads per sample.
     */
    public void copySamplePairs(final int from, final int count, final byte[] dst, final int dstAt) {
        final byte[] a = readArray();
        if (a != null) {
            int src = readBase + from * ENTRY_LENGTH + TIMESTAMP_AT;
            int to = dstAt;
            for (int i = 0; i < count; i++) {
                LONG_NATIVE.set(dst, to, (long) LONG_NATIVE.get(a, src));
                LONG_NATIVE.set(dst, to + Long.BYTES, (long) LONG_NATIVE.get(a, src + Long.BYTES));
                src += ENTRY_LENGTH;
                to += SAMPLE_PAIR_BYTES;
            }
        } else {
            for (int i = 0; i < count; i++) {
                entries.getBytes((from + i) * ENTRY_LENGTH + TIMESTAMP_AT, dst, dstAt + i * SAMPLE_PAIR_BYTES,
                    SAMPLE_PAIR_BYTES);
            }
        }
    }

    /** Partition of sample {@code i}. */
    public int partition(final int i) {
        final byte[] a = readArray();
        return a != null ? (int) INT_BE.get(a, readBase + i * ENTRY_LENGTH + PARTITION_AT)
            : entries.getInt(i * ENTRY_LENGTH + PARTITION_AT);
    }

    /**
     * Makes each series' samples adjacent, keeping their order (a counting sort by series ordinal into a new
     * pooled buffer); does nothing when no series repeats or the samples are already in series order (ordinals
     * never decrease: the sort would return them as they are). {@code counts} is the caller's reusable scratch; the
     * (possibly grown) scratch is returned for next time.
     */
    public int[] groupBySeries(final int[] counts) {
        if (seriesCount >= sampleCount || !outOfOrder) {
            return counts;
        }
        final int[] c = counts.length > seriesCount ? counts : new int[Math.max(seriesCount + 1, counts.length * 2)];
        java.util.Arrays.fill(c, 0, seriesCount + 1, 0);
        for (int i = 0; i < sampleCount; i++) {
            c[ordinal(i) + 1]++;
        }
        for (int o = 1; o <= seriesCount; o++) {
            c[o] += c[o - 1];
        }
        final int bytes = sampleCount * ENTRY_LENGTH;
        final ByteBuf grouped = entries.alloc().heapBuffer(bytes, bytes);
        grouped.writerIndex(bytes);
        final byte[] from = readArray();
        if (from != null && grouped.hasArray()) {
            // array copies instead of checked ByteBuf copies: grouping was 15% of StageBench's lp stage (JFR)
            final byte[] to = grouped.array();
            final int toBase = grouped.arrayOffset();
            for (int i = 0; i < sampleCount; i++) {
                System.arraycopy(from, readBase + i * ENTRY_LENGTH, to, toBase + c[ordinal(i)]++ * ENTRY_LENGTH,
                    ENTRY_LENGTH);
            }
        } else {
            for (int i = 0; i < sampleCount; i++) {
                grouped.setBytes(c[ordinal(i)]++ * ENTRY_LENGTH, entries, i * ENTRY_LENGTH, ENTRY_LENGTH);
            }
        }
        entries.release();
        entries = grouped;
        readArray = null;
        outOfOrder = false;
        lastOrdinal = seriesCount - 1;
        return c;
    }

    private int ordinal(final int i) {
        final byte[] a = readArray();
        return a != null ? (int) INT_BE.get(a, readBase + i * ENTRY_LENGTH + ORDINAL_AT)
            : entries.getInt(i * ENTRY_LENGTH + ORDINAL_AT);
    }

    private byte[] readArray() {
        if (readArray == null && entries.hasArray()) {
            readArray = entries.array();
            readBase = entries.arrayOffset();
        }
        return readArray;
    }

    /** Releases both buffers; idempotent. */
    public void release() {
        if (!released) {
            released = true;
            readArray = null;
            keys.release();
            entries.release();
        }
    }
}
