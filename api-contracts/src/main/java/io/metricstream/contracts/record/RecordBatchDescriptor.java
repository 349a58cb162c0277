package io.metricstream.contracts.record;

import io.netty.buffer.ByteBuf;

/**
 * Layout of a record batch, version (magic) 1: the unit the queue appends, stores, indexes and fetches.
 * Layout doc: docs/format/record-batch.md. All integers big-endian.
 * <pre>
 *   0   int32  length            bytes after this field; whole batch = length + 4
 *   4   int64  baseOffset        offset of the first record; assigned by the broker on append,
 *                                so it sits outside the CRC (rewritten without re-checksumming)
 *   12  int32  crc               CRC32C of bytes [16, end)
 *   16  int8   magic             1
 *   17  int8   attributes        0 (bits reserved for compression; must be 0 in v1)
 *   18  int32  recordCount       1 ..= (length - 34) / 24
 *   22  int64  firstTimestampMs  timestamp of the first record
 *   30  int64  maxTimestampMs    largest record timestamp
 *   38  records, recordCount times:
 *       0   int32  length        bytes after this field
 *       4   int32  offsetDelta   index of the record in the batch (0, 1, 2 ...)
 *       8   int64  timestampMs
 *       16  int32  keyLength     -1 = null key
 *       20  key bytes
 *           int32  valueLength   -1 = null value
 *           value bytes
 * </pre>
 */
public final class RecordBatchDescriptor {
    /** int32: bytes after this field. */
    public static final int LENGTH_AT = 0;
    /** int64: offset of the first record. */
    public static final int BASE_OFFSET_AT = LENGTH_AT + 4;
    /** int32: CRC32C of everything from {@link #MAGIC_AT} to the end. */
    public static final int CRC_AT = BASE_OFFSET_AT + 8;
    /** int8: format version. */
    public static final int MAGIC_AT = CRC_AT + 4;
    /** int8: attributes. */
    public static final int ATTRIBUTES_AT = MAGIC_AT + 1;
    /** int32: number of records. */
    public static final int RECORD_COUNT_AT = ATTRIBUTES_AT + 1;
    /** int64: first record's timestamp. */
    public static final int FIRST_TIMESTAMP_AT = RECORD_COUNT_AT + 4;
    /** int64: largest record timestamp. */
    public static final int MAX_TIMESTAMP_AT = FIRST_TIMESTAMP_AT + 8;
    /** Bytes of the batch header; records start here. */
    public static final int HEADER_LENGTH = MAX_TIMESTAMP_AT + 8;
    /** Bytes covered by the CRC start here. */
    public static final int CRC_COVERED_FROM = MAGIC_AT;
    /** The only format version. */
    public static final byte MAGIC = 1;

    /** Record: int32 bytes after this field. */
    public static final int RECORD_LENGTH_AT = 0;
    /** Record: int32 offset delta. */
    public static final int RECORD_OFFSET_DELTA_AT = RECORD_LENGTH_AT + 4;
    /** Record: int64 timestamp. */
    public static final int RECORD_TIMESTAMP_AT = RECORD_OFFSET_DELTA_AT + 4;
    /** Record: int32 key length. */
    public static final int RECORD_KEY_LENGTH_AT = RECORD_TIMESTAMP_AT + 8;
    /** Record: key bytes. */
    public static final int RECORD_KEY_AT = RECORD_KEY_LENGTH_AT + 4;
    /** Smallest record: null key, null value. */
    public static final int MIN_RECORD_LENGTH = RECORD_KEY_AT + 4;

    /** Default bound on a whole batch, for producers and brokers that are not told otherwise. */
    public static final int DEFAULT_MAX_BATCH_BYTES = 8 << 20;

    private RecordBatchDescriptor() {
    }

    /** Rewrites the base offset of the batch at absolute index {@code at} (outside the CRC). */
    public static void setBaseOffset(final ByteBuf buf, final int at, final long baseOffset) {
        buf.setLong(at + BASE_OFFSET_AT, baseOffset);
    }

    /** Whole size in bytes of the batch at {@code at}, read from its length field (unchecked). */
    public static int totalLength(final ByteBuf buf, final int at) {
        return buf.getInt(at + LENGTH_AT) + 4;
    }
}
