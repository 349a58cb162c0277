package io.metricstream.storage.head;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.wire.DecodeStatus;
import io.metricstream.contracts.chunk.ChunkCorruptException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * The head checkpoint file {@code head.checkpoint} (docs/format/head-checkpoint.md): every head chunk (the open
 * ones encoded on the fly) plus the next queue offset of every partition whose records are all in it. Written to
 * {@code head.checkpoint.tmp}, fsynced, renamed over the old one and the directory fsynced, so a crash leaves
 * either the old or the new checkpoint. The consumer commits queue offsets only after this returns.
 * <pre>
 *   int32 magic 'MSHC', int32 version 1
 *   int32 partitionCount, then (int32 partition, int64 nextOffset) each
 *   int32 seriesCount, then per series:
 *     int32 keyLength, key bytes (series key), int64 maxTimeMs, int64 flushedMaxTimeMs, int32 chunkCount,
 *     per chunk: int64 minTimeMs, int64 maxTimeMs, int32 count, int32 length, chunk bytes
 *   int32 CRC32C of every byte before it
 * </pre>
 */
public final class HeadCheckpoint {
    /** File name in the data directory. */
    public static final String FILE = "head.checkpoint";
    private static final int MAGIC = 0x4D534843;
    private static final int VERSION = 1;

    private HeadCheckpoint() {
    }

    /** Opens the file a checkpoint is written to (tests wrap it in a fault-injecting channel). */
    @FunctionalInterface
    public interface FileOpener {
        /** The default: create or truncate {@code path} for writing. */
        FileOpener DEFAULT = path -> FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);

        /** Opens {@code path} for writing from its start. */
        FileChannel open(Path path) throws IOException;
    }

    /** Writes the head and {@code offsets} atomically. Ingest thread (the head must not change meanwhile). */
    public static long write(final Path dir, final Head head, final Map<Integer, Long> offsets) throws IOException {
        return write(dir, head, offsets, FileOpener.DEFAULT);
    }

    /**
     * Writes the head and {@code offsets} atomically through a file {@code opener} opens. A failure anywhere (short
     * write, IO error, fsync) throws before the rename: the previous checkpoint stays in place.
     */
    public static long write(final Path dir, final Head head, final Map<Integer, Long> offsets,
                             final FileOpener opener) throws IOException {
        final Path tmp = dir.resolve(FILE + ".tmp");
        final CRC32C crc = new CRC32C();
        final FileChannel file = opener.open(tmp);
        long bytes;
        try (DataOutputStream out = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(
            new ChannelStream(file, tmp), 1 << 16), crc))) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(offsets.size());
            for (final Map.Entry<Integer, Long> e : new TreeMap<>(offsets).entrySet()) {
                out.writeInt(e.getKey());
                out.writeLong(e.getValue());
            }
            final var all = head.registry().all();
            out.writeInt(all.size());
            for (final MemSeries s : all) {
                writeSeries(out, head, s);
            }
            out.flush();
            final int value = (int) crc.getValue();
            out.writeInt(value);
            out.flush();
            file.force(true);
            bytes = out.size();
        }
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        fsyncDirectory(dir);
        return bytes;
    }

    /** Writes each buffer whole; a channel that accepts no bytes (disk full) fails the write with an IOException. */
    private static final class ChannelStream extends OutputStream {
        private final FileChannel channel;
        private final Path path;

        ChannelStream(final FileChannel channel, final Path path) {
            this.channel = channel;
            this.path = path;
        }

        @Override
        public void write(final int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(final byte[] b, final int off, final int len) throws IOException {
            final ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            while (buf.hasRemaining()) {
                if (channel.write(buf) <= 0) {
                    throw new IOException("cannot write head checkpoint: the file accepted no bytes after "
                        + (buf.position() - off) + " of " + len + " (file=" + path + ")");
                }
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private static void writeSeries(final DataOutputStream out, final Head head, final MemSeries s)
        throws IOException {
        final HeadChunk[] closed = head.closedChunks(s);
        final HeadChunk open = head.encodeOpen(s);
        out.writeInt(s.key().length);
        out.write(s.key());
        out.writeLong(s.maxTimeMs());
        out.writeLong(s.flushedMaxTimeMs());
        out.writeInt(closed.length + (open != null ? 1 : 0));
        for (final HeadChunk c : closed) {
            writeChunk(out, c.minTimeMs(), c.maxTimeMs(), c.count(), c.data());
        }
        if (open != null) {
            writeChunk(out, open.minTimeMs(), open.maxTimeMs(), open.count(), open.data());
        }
    }

    private static void writeChunk(final DataOutputStream out, final long minT, final long maxT, final int count,
                                   final byte[] data) throws IOException {
        out.writeLong(minT);
        out.writeLong(maxT);
        out.writeInt(count);
        out.writeInt(data.length);
        out.write(data);
    }

    /** Fsyncs a directory so a rename in it is durable. */
    public static void fsyncDirectory(final Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Loads {@code dir/head.checkpoint} into {@code head} and returns its partition offsets; an absent file
     * returns an empty map. A corrupt file throws {@link ChunkCorruptException} naming the file and offset.
     */
    public static Map<Integer, Long> read(final Path dir, final Head head) throws IOException {
        final Path path = dir.resolve(FILE);
        if (!Files.exists(path)) {
            return Map.of();
        }
        final byte[] bytes = Files.readAllBytes(path);
        final String source = path.toString();
        if (bytes.length < 16) {
            throw new ChunkCorruptException(source, 0, "checkpoint too short: " + bytes.length + " bytes");
        }
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        final ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        if ((int) crc.getValue() != buf.getInt(bytes.length - 4)) {
            throw new ChunkCorruptException(source, bytes.length - 4, "checkpoint CRC mismatch");
        }
        if (buf.readInt() != MAGIC || buf.readInt() != VERSION) {
            throw new ChunkCorruptException(source, 0, "bad checkpoint magic or version");
        }
        try {
            return readBody(buf, head, source);
        } catch (final IndexOutOfBoundsException e) {
            throw new ChunkCorruptException(source, buf.readerIndex(), "checkpoint truncated inside a record");
        }
    }

    private static Map<Integer, Long> readBody(final ByteBuf buf, final Head head, final String source) {
        final Map<Integer, Long> offsets = new TreeMap<>();
        final int partitions = buf.readInt();
        for (int i = 0; i < partitions; i++) {
            offsets.put(buf.readInt(), buf.readLong());
        }
        final int series = buf.readInt();
        for (int i = 0; i < series; i++) {
            final int keyAt = buf.readerIndex() + 4;
            final int keyLength = buf.readInt();
            if (keyLength < 0 || keyLength > buf.readableBytes()
                || SeriesKeyCodec.check(buf, keyAt, keyLength) != DecodeStatus.OK) {
                throw new ChunkCorruptException(source, keyAt, "bad series key");
            }
            final LabelSet labels = SeriesKeyCodec.decode(buf, keyAt, keyLength);
            buf.skipBytes(keyLength);
            final long maxTs = buf.readLong();
            final long flushedMaxTs = buf.readLong();
            final HeadChunk[] chunks = new HeadChunk[buf.readInt()];
            for (int c = 0; c < chunks.length; c++) {
                final long minT = buf.readLong();
                final long maxT = buf.readLong();
                final int count = buf.readInt();
                final int length = buf.readInt();
                if (length <= 0 || length > buf.readableBytes()) {
                    throw new ChunkCorruptException(source, buf.readerIndex(), "bad chunk length " + length);
                }
                final byte[] data = new byte[length];
                buf.readBytes(data);
                chunks[c] = new HeadChunk(minT, maxT, count, data);
            }
            head.restore(labels, maxTs, flushedMaxTs, chunks);
        }
        return offsets;
    }
}
