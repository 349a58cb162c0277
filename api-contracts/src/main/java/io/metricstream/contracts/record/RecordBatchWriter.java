package io.metricstream.contracts.record;

import static io.metricstream.contracts.record.RecordBatchDescriptor.BASE_OFFSET_AT;
import static io.metricstream.contracts.record.RecordBatchDescriptor.CRC_AT;
import static io.metricstream.contracts.record.RecordBatchDescriptor.CRC_COVERED_FROM;
import static io.metricstream.contracts.record.RecordBatchDescriptor.FIRST_TIMESTAMP_AT;
import static io.metricstream.contracts.record.RecordBatchDescriptor.HEADER_LENGTH;
import static io.metricstream.contracts.record.RecordBatchDescriptor.LENGTH_AT;
import static io.metricstream.contracts.record.RecordBatchDescriptor.MAGIC;
import static io.metricstream.contracts.record.RecordBatchDescriptor.MAGIC_AT;
import static io.metricstream.contracts.record.RecordBatchDescriptor.MAX_TIMESTAMP_AT;
import static io.metricstream.contracts.record.RecordBatchDescriptor.RECORD_COUNT_AT;

import io.netty.buffer.ByteBuf;

/**
 * Writes one record batch in place into a {@link ByteBuf} (layout in {@link RecordBatchDescriptor}) with
 * no allocation: {@link #begin}, then per record {@link #beginRecord} / write key bytes / {@link #endKey} /
 * write value bytes / {@link #endRecord}, or the one-call {@link #appendRecord}; then {@link #finish}, which
 * fills in the length, count, timestamps and CRC. Not thread-safe; reuse one per batcher.
 */
public final class RecordBatchWriter {
    private final Crc32c crc32c = new Crc32c();
    private ByteBuf out;
    private int batchAt;
    private int recordCount;
    private long firstTimestampMs;
    private long maxTimestampMs;
    private int recordAt;
    private int keyLengthAt;
    private int valueLengthAt;

    /** Starts a batch at {@code out.writerIndex()}; the base offset is written as 0 (the broker assigns it). */
    public RecordBatchWriter begin(final ByteBuf out) {
        this.out = out;
        this.batchAt = out.writerIndex();
        this.recordCount = 0;
        this.firstTimestampMs = 0;
        this.maxTimestampMs = Long.MIN_VALUE;
        out.writeZero(HEADER_LENGTH);
        return this;
    }

    /** Records written so far in this batch. */
    public int recordCount() {
        return recordCount;
    }

    /** Bytes of this batch written so far. */
    public int sizeInBytes() {
        return out.writerIndex() - batchAt;
    }

    /** Starts a record; the caller then writes the key bytes into the buffer (or none, see {@link #nullKey}). */
    public void beginRecord(final long timestampMs) {
        if (recordCount == 0) {
            firstTimestampMs = timestampMs;
        }
        maxTimestampMs = Math.max(maxTimestampMs, timestampMs);
        recordAt = out.writerIndex();
        out.writeInt(0);
        out.writeInt(recordCount);
        out.writeLong(timestampMs);
        keyLengthAt = out.writerIndex();
        out.writeInt(0);
    }

    /** Marks the current record's key as null (call right after {@link #beginRecord}, instead of writing a key). */
    public void nullKey() {
        out.setInt(keyLengthAt, -1);
        valueLengthAt = out.writerIndex();
        out.writeInt(0);
    }

    /** Ends the key: the bytes written since {@link #beginRecord} are the key. The value follows. */
    public void endKey() {
        out.setInt(keyLengthAt, out.writerIndex() - keyLengthAt - 4);
        valueLengthAt = out.writerIndex();
        out.writeInt(0);
    }

    /** Ends the record: the bytes written since {@link #endKey} are the value. */
    public void endRecord() {
        out.setInt(valueLengthAt, out.writerIndex() - valueLengthAt - 4);
        out.setInt(recordAt, out.writerIndex() - recordAt - 4);
        recordCount++;
    }

    /** Appends a whole record by copying key and value ranges ({@code null} buffers write null fields). */
    public void appendRecord(final long timestampMs, final ByteBuf key, final int keyAt, final int keyLength,
                             final ByteBuf value, final int valueAt, final int valueLength) {
        beginRecord(timestampMs);
        if (key == null) {
            nullKey();
        } else {
            out.writeBytes(key, keyAt, keyLength);
            endKey();
        }
        if (value == null) {
            out.setInt(valueLengthAt, -1);
            out.setInt(recordAt, out.writerIndex() - recordAt - 4);
            recordCount++;
        } else {
            out.writeBytes(value, valueAt, valueLength);
            endRecord();
        }
    }

    /**
     * Completes the batch: length, base offset 0, magic, count, timestamps and CRC. Returns the whole batch
     * length. A batch needs at least one record.
     */
    public int finish() {
        if (recordCount == 0) {
            throw new IllegalStateException("cannot finish a record batch with no records");
        }
        final int end = out.writerIndex();
        out.setInt(batchAt + LENGTH_AT, end - batchAt - 4);
        out.setLong(batchAt + BASE_OFFSET_AT, 0L);
        out.setByte(batchAt + MAGIC_AT, MAGIC);
        out.setByte(batchAt + RecordBatchDescriptor.ATTRIBUTES_AT, 0);
        out.setInt(batchAt + RECORD_COUNT_AT, recordCount);
        out.setLong(batchAt + FIRST_TIMESTAMP_AT, firstTimestampMs);
        out.setLong(batchAt + MAX_TIMESTAMP_AT, maxTimestampMs);
        out.setInt(batchAt + CRC_AT, crc32c.compute(out, batchAt + CRC_COVERED_FROM, end - batchAt - CRC_COVERED_FROM));
        return end - batchAt;
    }
}
