package io.metricstream.queue.log;

import io.metricstream.contracts.record.RecordBatchDescriptor;
import io.metricstream.contracts.record.RecordBatchView;
import io.metricstream.queue.index.OffsetIndex;
import io.metricstream.queue.index.TimeIndex;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One segment of a partition log: a {@code %020d.log} file of record batches stored exactly as produced
 * (base offset patched), with its sparse {@link OffsetIndex} and {@link TimeIndex}. Layout:
 * docs/format/segment.md.
 *
 * <p>Threads: appends, roll and truncation run only on the partition's writer thread. {@link #sizeBytes()},
 * {@link #nextOffset()} and {@link #maxTimestampMs()} are volatile and published after the bytes are written,
 * so fetches on other threads read the immutable prefix below them without locks.
 *
 * <p>Crash policy: the active (last) segment is scanned at open and truncated to its last valid batch, and
 * its indexes are rebuilt; a closed segment's indexes are rebuilt when missing or invalid.
 */
public final class Segment implements AutoCloseable {
    private static final ThreadLocal<ByteBuffer> HEADER =
        ThreadLocal.withInitial(() -> ByteBuffer.allocate(RecordBatchDescriptor.HEADER_LENGTH));

    private final Path dir;
    private final long baseOffset;
    private final FileChannel channel;
    private final LogOptions options;
    // written only by the writer thread; read anywhere
    private OffsetIndex offsetIndex;
    private TimeIndex timeIndex;
    private volatile int sizeBytes;
    private volatile long nextOffset;
    private volatile long maxTimestampMs = Long.MIN_VALUE;
    private int bytesSinceIndexEntry;
    private final long createdMs;
    // the broker's clock at the last append (the file's modification time after a restart): what age retention
    // measures. Not the records' timestamps: those are sample times, years old when history is imported, and a
    // segment of them would be deleted on its first retention check, consumed by storage or not
    private volatile long lastAppendMs;

    private Segment(Path dir, long baseOffset, FileChannel channel, LogOptions options, long createdMs) {
        this.dir = dir;
        this.baseOffset = baseOffset;
        this.channel = channel;
        this.options = options;
        this.createdMs = createdMs;
        this.lastAppendMs = createdMs;
        this.nextOffset = baseOffset;
    }

    /** Creates a new, empty active segment (fresh files). */
    public static Segment create(final Path dir, final long baseOffset, final LogOptions options,
                                 final SegmentFiles.ChannelFactory files, final long nowMs) throws IOException {
        final FileChannel ch = files.open(SegmentFiles.log(dir, baseOffset));
        ch.truncate(0);
        final Segment s = new Segment(dir, baseOffset, ch, options, nowMs);
        s.offsetIndex = OffsetIndex.create(SegmentFiles.index(dir, baseOffset), baseOffset, options.indexMaxBytes());
        s.timeIndex = TimeIndex.create(SegmentFiles.timeIndex(dir, baseOffset), baseOffset,
            options.indexMaxBytes() / 2 * 3);
        return s;
    }

    /**
     * Opens the last segment of a log after a restart: verifies every batch, truncates a torn or corrupt tail
     * at the last valid batch and rebuilds both indexes.
     */
    public static Segment recoverActive(final Path dir, final long baseOffset, final LogOptions options,
                                        final SegmentFiles.ChannelFactory files, final long nowMs,
                                        final SegmentRecovery.Result[] outcome) throws IOException {
        final FileChannel ch = files.open(SegmentFiles.log(dir, baseOffset));
        final Segment s = new Segment(dir, baseOffset, ch, options, nowMs);
        s.offsetIndex = OffsetIndex.create(SegmentFiles.index(dir, baseOffset), baseOffset, options.indexMaxBytes());
        s.timeIndex = TimeIndex.create(SegmentFiles.timeIndex(dir, baseOffset), baseOffset,
            options.indexMaxBytes() / 2 * 3);
        final SegmentRecovery.Result r = SegmentRecovery.scan(ch, baseOffset, true, options.maxBatchBytes(),
            s::indexBatch);
        if (r.invalidBytes() > 0) {
            ch.truncate(r.validBytes());
            ch.force(true);
        }
        s.sizeBytes = r.validBytes();
        s.nextOffset = r.nextOffset();
        s.maxTimestampMs = r.maxTimestampMs();
        s.lastAppendMs = lastModifiedMs(SegmentFiles.log(dir, baseOffset), nowMs);
        outcome[0] = r;
        return s;
    }

    /**
     * Opens a closed segment whose successor starts at {@code nextOffset}; rebuilds an index that is missing or
     * fails validation, by scanning batch headers.
     */
    public static Segment openClosed(final Path dir, final long baseOffset, final long nextOffset,
                                     final LogOptions options, final SegmentFiles.ChannelFactory files,
                                     final long nowMs) throws IOException {
        final FileChannel ch = files.open(SegmentFiles.log(dir, baseOffset));
        final Segment s = new Segment(dir, baseOffset, ch, options, nowMs);
        final long size = ch.size();
        s.sizeBytes = (int) size;
        s.nextOffset = nextOffset;
        s.offsetIndex = OffsetIndex.openValid(SegmentFiles.index(dir, baseOffset), baseOffset, size);
        s.timeIndex = TimeIndex.openValid(SegmentFiles.timeIndex(dir, baseOffset), baseOffset, nextOffset);
        if (s.offsetIndex == null || s.timeIndex == null) {
            s.rebuildIndexes();
        } else {
            s.maxTimestampMs = s.timeIndex.lastTimestampMs();
        }
        s.lastAppendMs = lastModifiedMs(SegmentFiles.log(dir, baseOffset), nowMs);
        return s;
    }

    // the last write to a segment file before a restart; nowMs when the file system cannot say
    private static long lastModifiedMs(final Path log, final long nowMs) {
        try {
            return Files.getLastModifiedTime(log).toMillis();
        } catch (final IOException e) {
            return nowMs;
        }
    }

    private void rebuildIndexes() throws IOException {
        if (offsetIndex != null) {
            offsetIndex.close();
        }
        if (timeIndex != null) {
            timeIndex.close();
        }
        final int maxBytes = Math.max(options.indexMaxBytes(), (sizeBytes / Math.max(1, options.indexIntervalBytes())
            + 4) * TimeIndex.ENTRY_BYTES);
        offsetIndex = OffsetIndex.create(SegmentFiles.index(dir, baseOffset), baseOffset, maxBytes);
        timeIndex = TimeIndex.create(SegmentFiles.timeIndex(dir, baseOffset), baseOffset, maxBytes / 2 * 3);
        bytesSinceIndexEntry = 0;
        final SegmentRecovery.Result r = SegmentRecovery.scan(channel, baseOffset, false, Integer.MAX_VALUE,
            this::indexBatch);
        maxTimestampMs = r.maxTimestampMs();
        if (r.batches() > 0) {
            timeIndex.maybeAppend(maxTimestampMs, r.nextOffset() - 1);
        }
        offsetIndex.trimToEntries();
        timeIndex.trimToEntries();
    }

    private void indexBatch(final long batchBase, final int count, final int position, final int length,
                            final long batchMaxTs) {
        if (bytesSinceIndexEntry >= options.indexIntervalBytes()) {
            offsetIndex.append(batchBase, position);
            bytesSinceIndexEntry = 0;
            timeIndex.maybeAppend(Math.max(maxTimestampMs, batchMaxTs), batchBase);
        }
        bytesSinceIndexEntry += length;
        if (batchMaxTs > maxTimestampMs) {
            maxTimestampMs = batchMaxTs;
        }
    }

    /** Whether a batch of {@code length} bytes does not fit (size, index space) or the segment is too old. */
    public boolean shouldRoll(final int length, final long nowMs) {
        if (sizeBytes == 0) {
            return false;
        }
        return (long) sizeBytes + length > options.segmentBytes() || offsetIndex.isFull() || timeIndex.isFull()
            || nowMs - createdMs >= options.segmentMs();
    }

    /**
     * Writes one checked batch ({@code length} bytes of {@code buf} at {@code at}, base offset already patched)
     * at the end of the segment. On an IOException the file is truncated back to its previous size, so bytes
     * already written stay intact, and the exception is rethrown.
     */
    public void append(final ByteBuf buf, final int at, final int length, final long batchBase, final int count,
                       final long batchMaxTs, final long nowMs) throws IOException {
        final int position = sizeBytes;
        try {
            writeFully(buf, at, length, position);
        } catch (IOException e) {
            channel.truncate(position);
            throw e;
        }
        indexBatch(batchBase, count, position, length, batchMaxTs);
        nextOffset = batchBase + count;
        sizeBytes = position + length;
        lastAppendMs = nowMs;
    }

    private void writeFully(final ByteBuf buf, final int at, final int length, final int position)
        throws IOException {
        final ByteBuffer[] parts = buf.nioBuffers(at, length);
        long p = position;
        int zeroWrites = 0;
        for (final ByteBuffer part : parts) {
            while (part.hasRemaining()) {
                final int n = channel.write(part, p);
                if (n <= 0 && ++zeroWrites > 2) {
                    throw new IOException("short write to " + SegmentFiles.log(dir, baseOffset).getFileName()
                        + " at position=" + p);
                }
                p += n;
            }
        }
    }

    /** Forces written batches to the device (indexes are rebuilt after a crash, so they are not forced). */
    public void flush() throws IOException {
        channel.force(false);
    }

    /** Closes the segment for appends: adds the final time index entry, trims both indexes, forces the log. */
    public void roll() throws IOException {
        if (sizeBytes > 0) {
            timeIndex.maybeAppend(maxTimestampMs, nextOffset - 1);
        }
        offsetIndex.trimToEntries();
        timeIndex.trimToEntries();
        channel.force(true);
    }

    /** Drops everything from byte {@code bytes} on (recovery and tests). */
    void truncateTo(final int bytes) throws IOException {
        channel.truncate(bytes);
        sizeBytes = bytes;
    }

    /**
     * Byte position of the batch that contains {@code offset}, scanning from the nearest index entry, within
     * {@code limitBytes}; {@code limitBytes} when no batch below it contains the offset.
     */
    public int positionOf(final long offset, final int limitBytes) throws IOException {
        if (offset <= baseOffset) {
            return 0; // the first batch starts at 0 (or the segment is empty: 0 == limitBytes)
        }
        int position = offsetIndex.lookup(offset);
        final ByteBuffer header = HEADER.get();
        while (position < limitBytes) {
            readHeader(header, position);
            final int total = header.getInt(RecordBatchDescriptor.LENGTH_AT) + 4;
            final long end = header.getLong(RecordBatchDescriptor.BASE_OFFSET_AT)
                + header.getInt(RecordBatchDescriptor.RECORD_COUNT_AT);
            if (end > offset) {
                return position;
            }
            position += total;
        }
        return limitBytes;
    }

    /**
     * End position of the whole batches from {@code start} that fit in {@code maxBytes} (the first one always
     * counts, however large), not past {@code limitBytes}.
     */
    public int endOfBatches(final int start, final int maxBytes, final int limitBytes) throws IOException {
        if (limitBytes - start <= maxBytes) {
            return limitBytes; // limitBytes is a batch boundary: everything up to it fits, no header to read
        }
        // batches below an index entry at or before start + maxBytes all fit: scan only from the last such entry
        final int indexed = offsetIndex.floorPosition(start + maxBytes);
        int position = Math.max(start, Math.min(indexed, limitBytes));
        final ByteBuffer header = HEADER.get();
        while (position < limitBytes) {
            readHeader(header, position);
            final int total = header.getInt(RecordBatchDescriptor.LENGTH_AT) + 4;
            if (position > start && (long) position - start + total > maxBytes) {
                break;
            }
            position += total;
        }
        return position;
    }

    /**
     * The first record at or after {@code fromOffset} whose timestamp is {@code >= timestampMs}, within
     * {@code limitBytes}: writes {offset, timestampMs} into {@code out} and returns true, or false when none.
     */
    public boolean findTimestamp(final long timestampMs, final int limitBytes, final long[] out) throws IOException {
        final long from = timeIndex.lookup(timestampMs);
        int position = positionOf(from, limitBytes);
        final ByteBuffer header = HEADER.get();
        while (position < limitBytes) {
            readHeader(header, position);
            final int total = header.getInt(RecordBatchDescriptor.LENGTH_AT) + 4;
            if (header.getLong(RecordBatchDescriptor.MAX_TIMESTAMP_AT) >= timestampMs) {
                final ByteBuf batch = Unpooled.buffer(total);
                try {
                    read(batch, position, total);
                    final RecordBatchView view = new RecordBatchView().wrap(batch, 0);
                    final RecordBatchView.RecordCursor cursor = new RecordBatchView.RecordCursor().reset(view);
                    while (cursor.next()) {
                        if (cursor.timestampMs() >= timestampMs) {
                            out[0] = cursor.offset();
                            out[1] = cursor.timestampMs();
                            return true;
                        }
                    }
                } finally {
                    batch.release();
                }
            }
            position += total;
        }
        return false;
    }

    /** Reads {@code length} bytes at {@code position} into {@code dst} (appending at its writer index). */
    public void read(final ByteBuf dst, final int position, final int length) throws IOException {
        final int at = dst.writerIndex();
        dst.ensureWritable(length);
        SegmentRecovery.readFully(channel, dst.nioBuffer(at, length), position);
        dst.writerIndex(at + length);
    }

    private void readHeader(final ByteBuffer header, final int position) throws IOException {
        header.clear();
        SegmentRecovery.readFully(channel, header, position);
    }

    /** Offset of the first record. */
    public long baseOffset() {
        return baseOffset;
    }

    /** Offset after the last record. */
    public long nextOffset() {
        return nextOffset;
    }

    /** Bytes of whole batches. */
    public int sizeBytes() {
        return sizeBytes;
    }

    /** Largest record timestamp, {@link Long#MIN_VALUE} when empty. */
    public long maxTimestampMs() {
        return maxTimestampMs;
    }

    /** The broker's clock at the last append (or creation; after a restart the file's modification time). */
    public long lastAppendMs() {
        return lastAppendMs;
    }

    /** The log file channel (zero-copy fetches transfer from it). */
    public FileChannel channel() {
        return channel;
    }

    /** The offset index. */
    public OffsetIndex offsetIndex() {
        return offsetIndex;
    }

    /** The time index. */
    public TimeIndex timeIndex() {
        return timeIndex;
    }

    /** The log file. */
    public Path logPath() {
        return SegmentFiles.log(dir, baseOffset);
    }

    @Override
    public void close() throws IOException {
        channel.close();
        offsetIndex.close();
        timeIndex.close();
    }

    /** Closes and deletes the three files. */
    public void delete() throws IOException {
        close();
        Files.deleteIfExists(logPath());
        Files.deleteIfExists(offsetIndex.path());
        Files.deleteIfExists(timeIndex.path());
    }
}
