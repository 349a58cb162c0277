package io.metricstream.queue.tool;

import io.metricstream.contracts.record.RecordBatchDescriptor;
import io.metricstream.contracts.record.RecordBatchView;
import io.metricstream.contracts.wire.DecodeStatus;
import io.metricstream.queue.index.OffsetIndex;
import io.metricstream.queue.index.TimeIndex;
import io.metricstream.queue.log.SegmentFiles;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Prints a segment file for a human at 3 a.m. (Kafka's DumpLogSegments): one line per batch with position,
 * offsets, record count, timestamps, CRC status; then a verdict, and the entries of an {@code .index} or
 * {@code .timeindex} file when given one. Called by {@code metricstream inspect segment <path>}. Read-only.
 */
public final class SegmentInspector {
    private SegmentInspector() {
    }

    /** Writes a description of the {@code .log}, {@code .index} or {@code .timeindex} file at {@code path}. */
    public static void inspect(final Path path, final Appendable out) throws IOException {
        final String name = path.getFileName().toString();
        if (name.endsWith(SegmentFiles.INDEX_SUFFIX)) {
            inspectIndex(path, out, OffsetIndex.ENTRY_BYTES);
        } else if (name.endsWith(SegmentFiles.TIME_INDEX_SUFFIX)) {
            inspectIndex(path, out, TimeIndex.ENTRY_BYTES);
        } else {
            inspectLog(path, out);
        }
    }

    private static void inspectLog(final Path path, final Appendable out) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            final long size = ch.size();
            out.append("segment ").append(path.toString()).append(" bytes=").append(Long.toString(size)).append('\n');
            final RecordBatchView view = new RecordBatchView();
            long position = 0;
            long batches = 0;
            long records = 0;
            DecodeStatus verdict = DecodeStatus.OK;
            while (position < size) {
                final long remaining = size - position;
                final ByteBuffer len = ByteBuffer.allocate(4);
                ch.read(len, position);
                final int total = remaining >= 4 ? len.getInt(0) + 4 : -1;
                if (total < RecordBatchDescriptor.HEADER_LENGTH || total > remaining || total > (256 << 20)) {
                    verdict = total > remaining ? DecodeStatus.TRUNCATED : DecodeStatus.BAD_LENGTH;
                    break;
                }
                final ByteBuf batch = Unpooled.buffer(total);
                try {
                    final ByteBuffer nio = batch.nioBuffer(0, total);
                    while (nio.hasRemaining() && ch.read(nio, position + nio.position()) > 0) {
                        continue;
                    }
                    batch.writerIndex(total);
                    final DecodeStatus s = view.wrap(batch, 0).check(total, Integer.MAX_VALUE);
                    out.append("position=").append(Long.toString(position))
                        .append(" baseOffset=").append(Long.toString(view.baseOffset()))
                        .append(" lastOffset=").append(Long.toString(view.baseOffset() + view.recordCount() - 1))
                        .append(" count=").append(Integer.toString(view.recordCount()))
                        .append(" bytes=").append(Integer.toString(total))
                        .append(" firstTimestampMs=").append(Long.toString(view.firstTimestampMs()))
                        .append(" maxTimestampMs=").append(Long.toString(view.maxTimestampMs()))
                        .append(" crc=").append(Integer.toHexString(view.crc()))
                        .append(" status=").append(s.name()).append('\n');
                    if (s != DecodeStatus.OK) {
                        verdict = s;
                        break;
                    }
                    records += view.recordCount();
                } finally {
                    batch.release();
                }
                batches++;
                position += total;
            }
            out.append("batches=").append(Long.toString(batches)).append(" records=").append(Long.toString(records))
                .append(" validBytes=").append(Long.toString(position))
                .append(" verdict=").append(verdict == DecodeStatus.OK ? "OK" : verdict + " at position " + position)
                .append('\n');
        }
    }

    private static void inspectIndex(final Path path, final Appendable out, final int entryBytes) throws IOException {
        final byte[] bytes = Files.readAllBytes(path);
        final ByteBuffer b = ByteBuffer.wrap(bytes);
        out.append("index ").append(path.toString()).append(" bytes=").append(Integer.toString(bytes.length))
            .append(" entries=").append(Integer.toString(bytes.length / entryBytes))
            .append(bytes.length % entryBytes != 0 ? " (partial trailing entry)" : "").append('\n');
        for (int at = 0; at + entryBytes <= bytes.length; at += entryBytes) {
            if (entryBytes == OffsetIndex.ENTRY_BYTES) {
                out.append("relativeOffset=").append(Integer.toString(b.getInt(at)))
                    .append(" position=").append(Integer.toString(b.getInt(at + 4))).append('\n');
            } else {
                out.append("maxTimestampMs=").append(Long.toString(b.getLong(at)))
                    .append(" relativeOffset=").append(Integer.toString(b.getInt(at + 8))).append('\n');
            }
        }
    }
}
