package io.metricstream.queue.index;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A memory-mapped file of fixed-size index entries, shared by {@link OffsetIndex} and {@link TimeIndex}.
 * The active segment's index is preallocated to {@code maxBytes} (zero-filled) and trimmed to its entries on
 * roll; a closed segment's index is mapped at its file size.
 *
 * <p>Threads: entries are written only by the partition's writer thread; {@link #entries()} is volatile and is
 * written after the entry bytes, so concurrent readers see only whole entries below it.
 */
abstract class IndexFile implements AutoCloseable {
    protected final Path path;
    protected final long baseOffset;
    protected final int entryBytes;
    private final FileChannel channel;
    protected MappedByteBuffer map;
    private volatile int entries;
    private int maxEntries;

    IndexFile(Path path, long baseOffset, int entryBytes, int maxBytes, boolean fresh) throws IOException {
        this.path = path;
        this.baseOffset = baseOffset;
        this.entryBytes = entryBytes;
        this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        if (fresh) {
            channel.truncate(0);
            final int bytes = Math.max(entryBytes, maxBytes / entryBytes * entryBytes);
            preallocate(bytes);
            this.entries = 0;
        } else {
            final long size = channel.size();
            final int bytes = (int) Math.min(size, Integer.MAX_VALUE - 8) / entryBytes * entryBytes;
            this.map = channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
            this.maxEntries = bytes / entryBytes;
            this.entries = maxEntries;
        }
    }

    private void preallocate(final int bytes) throws IOException {
        try (var raf = new java.io.RandomAccessFile(path.toFile(), "rw")) {
            raf.setLength(bytes);
        }
        this.map = channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
        this.maxEntries = bytes / entryBytes;
    }

    /** Number of entries readable. */
    public final int entries() {
        return entries;
    }

    /** Whether no further entry fits (one slot is kept for the roll-time entry of a time index). */
    public final boolean isFull() {
        return entries >= maxEntries - 1;
    }

    /** Absolute byte index of entry {@code i}. */
    protected final int at(final int i) {
        return i * entryBytes;
    }

    /** Publishes one more entry whose bytes were just written at {@code at(entries())}. */
    protected final void publishEntry() {
        entries = entries + 1;
    }

    /** Sets entries after a validity check of an existing file ({@code count <= capacity}). */
    protected final void entries(final int count) {
        entries = count;
    }

    /** Writes mapped changes to the device. */
    public final void flush() {
        map.force();
    }

    /** Shrinks the file to its entries (on roll and close), so a closed segment's index holds no padding. */
    public final void trimToEntries() throws IOException {
        map.force();
        channel.truncate((long) entries * entryBytes);
        channel.force(true);
        maxEntries = entries + 1;
    }

    /** The file. */
    public final Path path() {
        return path;
    }

    /** Closes the file (the mapping stays valid until collected). */
    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Closes and deletes the file. */
    public void delete() throws IOException {
        close();
        Files.deleteIfExists(path);
    }
}
