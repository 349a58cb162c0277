package io.metricstream.queue.log;

import io.metricstream.contracts.record.RecordBatchDescriptor;
import io.metricstream.contracts.record.RecordBatchView;
import io.metricstream.contracts.wire.DecodeStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Scans a segment's log batch by batch from its start: the active segment with full verification (structure,
 * CRC, contiguous base offsets) to find where a torn or corrupt tail begins, a closed segment by headers only
 * to rebuild a missing index. Stateless; runs on the thread opening the log.
 */
public final class SegmentRecovery {

    /** Receives each valid batch of a scan, in order. */
    @FunctionalInterface
    public interface BatchVisitor {
        /** A batch of {@code recordCount} records at {@code position}, {@code length} bytes long. */
        void onBatch(long baseOffset, int recordCount, int position, int length, long maxTimestampMs);
    }

    /**
     * Outcome of a scan.
     *
     * @param validBytes bytes of whole valid batches from the start of the file
     * @param nextOffset offset after the last valid batch (the segment's base offset when none)
     * @param maxTimestampMs largest batch timestamp seen, {@link Long#MIN_VALUE} when none
     * @param batches valid batches
     * @param stop why the scan stopped: OK at the exact end of the file, else the first problem
     * @param fileBytes the file size scanned
     */
    public record Result(int validBytes, long nextOffset, long maxTimestampMs, int batches, DecodeStatus stop,
                         long fileBytes) {
        /** Bytes after the last valid batch (to truncate). */
        public long invalidBytes() {
            return fileBytes - validBytes;
        }
    }

    private SegmentRecovery() {
    }

    /**
     * Scans {@code channel} from byte 0. With {@code verify}, every batch must pass {@link RecordBatchView#check}
     * and start at the expected offset; otherwise only lengths are checked against the file size.
     */
    public static Result scan(final FileChannel channel, final long baseOffset, final boolean verify,
                              final int maxBatchBytes, final BatchVisitor visitor) throws IOException {
        final long fileBytes = channel.size();
        final ByteBuffer header = ByteBuffer.allocate(RecordBatchDescriptor.HEADER_LENGTH);
        final RecordBatchView view = new RecordBatchView();
        ByteBuf batch = verify ? Unpooled.buffer(64 * 1024) : null;
        long position = 0;
        long next = baseOffset;
        long maxTs = Long.MIN_VALUE;
        int batches = 0;
        DecodeStatus stop = DecodeStatus.OK;
        try {
            while (position < fileBytes) {
                final long remaining = fileBytes - position;
                if (remaining < RecordBatchDescriptor.HEADER_LENGTH) {
                    stop = DecodeStatus.TRUNCATED;
                    break;
                }
                header.clear();
                readFully(channel, header, position);
                final int total = header.getInt(RecordBatchDescriptor.LENGTH_AT) + 4;
                if (total < RecordBatchDescriptor.HEADER_LENGTH || total > maxBatchBytes) {
                    stop = DecodeStatus.BAD_LENGTH;
                    break;
                }
                if (total > remaining) {
                    stop = DecodeStatus.TRUNCATED;
                    break;
                }
                final long batchBase = header.getLong(RecordBatchDescriptor.BASE_OFFSET_AT);
                final int count = header.getInt(RecordBatchDescriptor.RECORD_COUNT_AT);
                final long batchMaxTs = header.getLong(RecordBatchDescriptor.MAX_TIMESTAMP_AT);
                if (verify) {
                    if (batch.capacity() < total) {
                        batch.release();
                        batch = Unpooled.buffer(total);
                    }
                    batch.clear();
                    final ByteBuffer nio = batch.internalNioBuffer(0, total);
                    readFully(channel, nio, position);
                    batch.writerIndex(total);
                    final DecodeStatus status = view.wrap(batch, 0).check(total, maxBatchBytes);
                    if (status != DecodeStatus.OK) {
                        stop = status;
                        break;
                    }
                    if (batchBase != next) {
                        stop = DecodeStatus.BAD_CONTENT;
                        break;
                    }
                } else if (count <= 0 || batchBase < next) {
                    stop = DecodeStatus.BAD_CONTENT;
                    break;
                }
                visitor.onBatch(batchBase, count, (int) position, total, batchMaxTs);
                next = batchBase + count;
                maxTs = Math.max(maxTs, batchMaxTs);
                position += total;
                batches++;
            }
        } finally {
            if (batch != null) {
                batch.release();
            }
        }
        return new Result((int) position, next, maxTs, batches, stop, fileBytes);
    }

    static void readFully(final FileChannel channel, final ByteBuffer dst, final long position) throws IOException {
        long p = position;
        while (dst.hasRemaining()) {
            final int n = channel.read(dst, p);
            if (n < 0) {
                throw new java.io.EOFException("unexpected end of segment at " + p);
            }
            p += n;
        }
    }
}
