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
import static io.metricstream.contracts.record.RecordBatchDescriptor.MIN_RECORD_LENGTH;
import static io.metricstream.contracts.record.RecordBatchDescriptor.RECORD_COUNT_AT;
import static io.metricstream.contracts.record.RecordBatchDescriptor.RECORD_KEY_AT;
import static io.metricstream.contracts.record.RecordBatchDescriptor.RECORD_KEY_LENGTH_AT;
import static io.metricstream.contracts.record.RecordBatchDescriptor.RECORD_OFFSET_DELTA_AT;

import io.metricstream.contracts.wire.DecodeStatus;
import io.netty.buffer.ByteBuf;

/**
 * Read-only flyweight over one record batch (layout in {@link RecordBatchDescriptor}). Call {@link #check}
 * before any accessor: it bounds every length (batch and records) against the readable bytes and the
 * maximum, and verifies the CRC, so forged lengths never drive a read past the buffer or an allocation.
 *
 * <p>Not thread-safe; keep one per handler and re-{@link #wrap} it per batch.
 */
public final class RecordBatchView {
    private final Crc32c crc32c = new Crc32c();
    private ByteBuf buf;
    private int at;

    /** Points this view at the batch starting at absolute index {@code at} of {@code buf}. */
    public RecordBatchView wrap(final ByteBuf buf, final int at) {
        this.buf = buf;
        this.at = at;
        return this;
    }

    /**
     * Checks the batch given {@code readable} bytes from its start and a bound on its whole size.
     * TRUNCATED means the declared batch extends past {@code readable} (a torn tail on disk, or wait for more
     * bytes on the wire).
     */
    public DecodeStatus check(final int readable, final int maxBatchBytes) {
        if (readable < 4) {
            return DecodeStatus.TRUNCATED;
        }
        final int length = buf.getInt(at + LENGTH_AT);
        if (length < HEADER_LENGTH - 4 + MIN_RECORD_LENGTH || length > maxBatchBytes - 4) {
            return DecodeStatus.BAD_LENGTH;
        }
        if (readable < length + 4) {
            return DecodeStatus.TRUNCATED;
        }
        if (buf.getByte(at + MAGIC_AT) != MAGIC) {
            return DecodeStatus.BAD_MAGIC;
        }
        final int end = at + length + 4;
        final int stored = buf.getInt(at + CRC_AT);
        if (crc32c.compute(buf, at + CRC_COVERED_FROM, end - (at + CRC_COVERED_FROM)) != stored) {
            return DecodeStatus.BAD_CRC;
        }
        return checkRecords(end);
    }

    private DecodeStatus checkRecords(final int end) {
        final int count = buf.getInt(at + RECORD_COUNT_AT);
        if (count <= 0 || count > (end - at - HEADER_LENGTH) / MIN_RECORD_LENGTH) {
            return DecodeStatus.BAD_CONTENT;
        }
        int p = at + HEADER_LENGTH;
        for (int i = 0; i < count; i++) {
            if (end - p < MIN_RECORD_LENGTH) {
                return DecodeStatus.BAD_CONTENT;
            }
            final int recordLength = buf.getInt(p);
            if (recordLength < MIN_RECORD_LENGTH - 4 || recordLength > end - p - 4) {
                return DecodeStatus.BAD_CONTENT;
            }
            if (buf.getInt(p + RECORD_OFFSET_DELTA_AT) != i) {
                return DecodeStatus.BAD_CONTENT;
            }
            final int recordEnd = p + 4 + recordLength;
            final int keyLength = buf.getInt(p + RECORD_KEY_LENGTH_AT);
            if (keyLength < -1 || keyLength > recordEnd - (p + RECORD_KEY_AT) - 4) {
                return DecodeStatus.BAD_CONTENT;
            }
            final int valueLengthAt = p + RECORD_KEY_AT + Math.max(keyLength, 0);
            final int valueLength = buf.getInt(valueLengthAt);
            if (valueLength < -1 || valueLengthAt + 4 + Math.max(valueLength, 0) != recordEnd) {
                return DecodeStatus.BAD_CONTENT;
            }
            p = recordEnd;
        }
        return p == end ? DecodeStatus.OK : DecodeStatus.BAD_CONTENT;
    }

    /** The buffer wrapped. */
    public ByteBuf buffer() {
        return buf;
    }

    /** Absolute index of the batch start. */
    public int offset() {
        return at;
    }

    /** Whole batch size in bytes (length field + 4). */
    public int totalLength() {
        return buf.getInt(at + LENGTH_AT) + 4;
    }

    /** Offset of the first record. */
    public long baseOffset() {
        return buf.getLong(at + BASE_OFFSET_AT);
    }

    /** Offset of the last record. */
    public long lastOffset() {
        return baseOffset() + recordCount() - 1;
    }

    /** Offset after the last record. */
    public long nextOffset() {
        return baseOffset() + recordCount();
    }

    /** Stored CRC32C. */
    public int crc() {
        return buf.getInt(at + CRC_AT);
    }

    /** Number of records. */
    public int recordCount() {
        return buf.getInt(at + RECORD_COUNT_AT);
    }

    /** First record's timestamp. */
    public long firstTimestampMs() {
        return buf.getLong(at + FIRST_TIMESTAMP_AT);
    }

    /** Largest record timestamp. */
    public long maxTimestampMs() {
        return buf.getLong(at + MAX_TIMESTAMP_AT);
    }

    /** Absolute index of the first record. */
    int recordsAt() {
        return at + HEADER_LENGTH;
    }

    /** Cursor over the records of this (checked) batch: {@code cursor.reset(view); while (cursor.next()) ...}. */
    public static final class RecordCursor {
        private ByteBuf buf;
        private int next;
        private int remaining;
        private long baseOffset;
        private int recordAt;

        /** Positions before the first record of {@code view}, which must have passed {@code check}. */
        public RecordCursor reset(final RecordBatchView view) {
            this.buf = view.buf;
            this.next = view.recordsAt();
            this.remaining = view.recordCount();
            this.baseOffset = view.baseOffset();
            return this;
        }

        /** Advances to the next record; false when there is none. */
        public boolean next() {
            if (remaining == 0) {
                return false;
            }
            remaining--;
            recordAt = next;
            next = recordAt + 4 + buf.getInt(recordAt);
            return true;
        }

        /** Offset of the current record. */
        public long offset() {
            return baseOffset + buf.getInt(recordAt + RECORD_OFFSET_DELTA_AT);
        }

        /** Timestamp of the current record. */
        public long timestampMs() {
            return buf.getLong(recordAt + RecordBatchDescriptor.RECORD_TIMESTAMP_AT);
        }

        /** Key length of the current record, -1 for a null key. */
        public int keyLength() {
            return buf.getInt(recordAt + RECORD_KEY_LENGTH_AT);
        }

        /** Absolute index of the current record's key bytes. */
        public int keyAt() {
            return recordAt + RECORD_KEY_AT;
        }

        /** Value length of the current record, -1 for a null value. */
        public int valueLength() {
            return buf.getInt(keyAt() + Math.max(keyLength(), 0));
        }

        /** Absolute index of the current record's value bytes. */
        public int valueAt() {
            return keyAt() + Math.max(keyLength(), 0) + 4;
        }

        /** The buffer the records live in. */
        public ByteBuf buffer() {
            return buf;
        }
    }
}
