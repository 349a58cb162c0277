package io.metricstream.storage.block;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Layout of a block's chunk segment files (docs/format/block-index.md). A block of meta version 2 keeps its chunks
 * in {@code chunks/000001}, {@code chunks/000002}, ... each at most {@code storage.max_chunk_segment_bytes} (a chunk
 * record never spans two segments; a record larger than the limit gets a segment of its own). A segment file is the
 * record layout the single {@code chunks} file of meta version 1 has:
 * <pre>
 * 0   int32 magic 'MSCK'
 * 4   int32 version 1
 * 8   records: int32 length, chunk bytes (docs/format/chunk.md), int32 CRC32C of the chunk bytes
 * </pre>
 * A chunk ref is {@code segment << 32 | offset of its record in the segment}; a version 1 block's refs are plain
 * file offsets, i.e. segment 0 = its one {@code chunks} file. Refs of one block increase in write order, so the
 * index's delta encoding of refs holds for both. Stateless.
 */
public final class ChunkSegmentDescriptor {
    /** Directory of the segments (meta version 2); the single chunks file of meta version 1 has the same name. */
    public static final String DIR = "chunks";
    /** Magic of a segment (and of the version 1 chunks file). */
    public static final int MAGIC = 0x4D53434B;
    /** Version field of a segment's header (the record layout, unchanged since the single chunks file). */
    public static final int VERSION = 1;
    /** Bytes of a segment's header: magic, version. */
    public static final int HEADER_LENGTH = 8;
    /** Bytes a record adds around its chunk: the length before it and the CRC32C after it. */
    public static final int RECORD_OVERHEAD = 8;
    /** Number of the first segment of a version 2 block (segment 0 is the version 1 chunks file). */
    public static final int FIRST_SEGMENT = 1;
    /** Default segment size (storage.max_chunk_segment_bytes), as Prometheus's; a segment is at most 2 GiB - 1. */
    public static final long DEFAULT_MAX_SEGMENT_BYTES = 512L << 20;

    private ChunkSegmentDescriptor() {
    }

    /** The ref of the record at {@code offset} in segment {@code segment}. */
    public static long ref(final int segment, final int offset) {
        return (long) segment << 32 | offset & 0xFFFF_FFFFL;
    }

    /** The segment number of {@code ref}. */
    public static int segment(final long ref) {
        return (int) (ref >>> 32);
    }

    /** The record offset of {@code ref} in its segment. */
    public static int offset(final long ref) {
        return (int) ref;
    }

    /** The file name of segment {@code segment} inside {@link #DIR}: six digits, as Prometheus names them. */
    public static String fileName(final int segment) {
        return String.format(Locale.ROOT, "%06d", segment);
    }

    /** The path of segment {@code segment} of the block in {@code blockDir} (meta version 2). */
    public static Path path(final Path blockDir, final int segment) {
        return blockDir.resolve(DIR).resolve(fileName(segment));
    }
}
