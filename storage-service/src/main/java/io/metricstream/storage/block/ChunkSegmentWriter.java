package io.metricstream.storage.block;

import io.metricstream.storage.head.HeadCheckpoint;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Appends chunk records to the segment files of a block being written ({@code <tmp>/chunks/000001}, ...), rolling
 * to a new segment before a record that would take the current one past {@code maxSegmentBytes}; a record larger
 * than that alone gets a segment of its own. {@link #close} fsyncs the last segment (each earlier one is fsynced
 * when rolled) and the directory. Layout: {@link ChunkSegmentDescriptor}. Not thread-safe; one per block write.
 */
final class ChunkSegmentWriter implements AutoCloseable {
    private final Path dir;
    private final long maxSegmentBytes;
    private final CRC32C crc = new CRC32C();
    // the open segment: its number (0 = none yet), file, stream and bytes written so far
    private int segment;
    private FileOutputStream file;
    private DataOutputStream out;
    private long segmentBytes;

    ChunkSegmentWriter(final Path blockDir, final long maxSegmentBytes) throws IOException {
        if (maxSegmentBytes < ChunkSegmentDescriptor.HEADER_LENGTH + ChunkSegmentDescriptor.RECORD_OVERHEAD
            || maxSegmentBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxSegmentBytes=" + maxSegmentBytes + " outside [16, "
                + Integer.MAX_VALUE + "]");
        }
        this.dir = blockDir.resolve(ChunkSegmentDescriptor.DIR);
        this.maxSegmentBytes = maxSegmentBytes;
        Files.createDirectories(dir);
    }

    /** Writes one chunk's record and returns its ref. */
    long append(final byte[] chunk) throws IOException {
        final long record = (long) chunk.length + ChunkSegmentDescriptor.RECORD_OVERHEAD;
        if (ChunkSegmentDescriptor.HEADER_LENGTH + record > Integer.MAX_VALUE) {
            throw new IOException("chunk of " + chunk.length + " bytes does not fit a segment: " + dir);
        }
        if (out == null || segmentBytes > ChunkSegmentDescriptor.HEADER_LENGTH
            && segmentBytes + record > maxSegmentBytes) {
            roll();
        }
        final long ref = ChunkSegmentDescriptor.ref(segment, (int) segmentBytes);
        out.writeInt(chunk.length);
        out.write(chunk);
        crc.reset();
        crc.update(chunk);
        out.writeInt((int) crc.getValue());
        segmentBytes += record;
        return ref;
    }

    /** Segments written so far. */
    int segments() {
        return segment;
    }

    private void roll() throws IOException {
        closeSegment();
        segment = segment == 0 ? ChunkSegmentDescriptor.FIRST_SEGMENT : segment + 1;
        file = new FileOutputStream(dir.resolve(ChunkSegmentDescriptor.fileName(segment)).toFile());
        out = new DataOutputStream(new BufferedOutputStream(file, 1 << 16));
        out.writeInt(ChunkSegmentDescriptor.MAGIC);
        out.writeInt(ChunkSegmentDescriptor.VERSION);
        segmentBytes = ChunkSegmentDescriptor.HEADER_LENGTH;
    }

    private void closeSegment() throws IOException {
        if (out != null) {
            try (DataOutputStream o = out) {
                o.flush();
                file.getChannel().force(true);
            } finally {
                out = null;
                file = null;
            }
        }
    }

    /** Closes the open segment (fsynced) and fsyncs the segments' directory. */
    @Override
    public void close() throws IOException {
        closeSegment();
        HeadCheckpoint.fsyncDirectory(dir);
    }
}
