package io.metricstream.storage.db;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.wire.DecodeStatus;
import io.metricstream.contracts.chunk.ChunkCorruptException;
import io.metricstream.storage.chunk.SampleBuffer;
import io.metricstream.storage.head.HeadCheckpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Deleted ranges per series (DELETE_SERIES), applied to every read and to compaction until
 * {@code clean_tombstones} rewrites the data without them. Persisted in {@code tombstones} (rewritten atomically
 * on each change):
 * <pre>
 *   int32 magic 'MSTS', int32 count, per entry: int32 keyLength, series key, int64 minTimeMs, int64 maxTimeMs;
 *   int32 CRC32C of every byte before it
 * </pre>
 * Thread-safe: guarded by {@code this}; readers get immutable interval arrays.
 */
public final class Tombstones {
    /** File name in the data directory. */
    public static final String FILE = "tombstones";
    private static final int MAGIC = 0x4D535453;
    private final Path dir;
    // guarded by this
    private final Map<LabelSet, long[]> ranges = new HashMap<>();
    // written under this; read without the lock by intervals(), which every select calls per series (query threads
    // would otherwise meet on this lock even when there is no tombstone at all)
    private volatile boolean empty = true;
    // guarded by this: changes with every load, add and clear (the head's GC of deleted series runs on a change)
    private long generation;

    /** Tombstones stored in {@code dir}. */
    public Tombstones(final Path dir) {
        this.dir = dir;
    }

    /** Loads the file if present. */
    public synchronized void load() throws IOException {
        final Path path = dir.resolve(FILE);
        ranges.clear();
        empty = true;
        generation++;
        if (!Files.exists(path)) {
            return;
        }
        final byte[] bytes = Files.readAllBytes(path);
        final CRC32C crc = new CRC32C();
        if (bytes.length < 12) {
            throw new ChunkCorruptException(path.toString(), 0, "tombstones file too short");
        }
        crc.update(bytes, 0, bytes.length - 4);
        final ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        if ((int) crc.getValue() != buf.getInt(bytes.length - 4) || buf.readInt() != MAGIC) {
            throw new ChunkCorruptException(path.toString(), 0, "tombstones CRC or magic mismatch");
        }
        final int count = buf.readInt();
        for (int i = 0; i < count; i++) {
            final int length = buf.readInt();
            final int at = buf.readerIndex();
            if (length < 0 || length > buf.readableBytes()
                || SeriesKeyCodec.check(buf, at, length) != DecodeStatus.OK) {
                throw new ChunkCorruptException(path.toString(), at, "bad series key in tombstones");
            }
            final LabelSet labels = SeriesKeyCodec.decode(buf, at, length);
            buf.skipBytes(length);
            addRange(labels, buf.readLong(), buf.readLong());
        }
    }

    /** Adds a deleted range for {@code labels} and persists. */
    public synchronized void add(final List<LabelSet> series, final long minT, final long maxT) throws IOException {
        for (final LabelSet l : series) {
            addRange(l, minT, maxT);
        }
        persist();
        // after persist: a head GC that sees this generation drops samples only once their deletion is durable
        generation++;
    }

    private void addRange(final LabelSet labels, final long minT, final long maxT) {
        final long[] old = ranges.getOrDefault(labels, new long[0]);
        final long[] n = java.util.Arrays.copyOf(old, old.length + 2);
        n[old.length] = minT;
        n[old.length + 1] = maxT;
        ranges.put(labels, n);
        empty = false;
    }

    /** Intervals (min, max pairs) of {@code labels}, or null. */
    public long[] intervals(final LabelSet labels) {
        if (empty) {
            return null;
        }
        synchronized (this) {
            return ranges.get(labels);
        }
    }

    /** A number that changes whenever the tombstones do. */
    public synchronized long generation() {
        return generation;
    }

    /** Every series with tombstones and its intervals (min, max pairs; never modified), as a copy. */
    public synchronized Map<LabelSet, long[]> snapshot() {
        return new HashMap<>(ranges);
    }

    /** Removes deleted samples of {@code labels} from {@code samples}. */
    public void apply(final LabelSet labels, final SampleBuffer samples) {
        final long[] iv = intervals(labels);
        if (iv != null) {
            for (int i = 0; i < iv.length; i += 2) {
                samples.removeRange(iv[i], iv[i + 1]);
            }
        }
    }

    /** Number of series with tombstones. */
    public synchronized int size() {
        return ranges.size();
    }

    /** Forgets every tombstone (after the data was rewritten without them) and persists. */
    public synchronized void clear() throws IOException {
        ranges.clear();
        empty = true;
        persist();
        generation++;
    }

    private void persist() throws IOException {
        final ByteBuf out = Unpooled.buffer();
        try {
            out.writeInt(MAGIC);
            out.writeInt(countEntries());
            for (final Map.Entry<LabelSet, long[]> e : new ArrayList<>(ranges.entrySet())) {
                for (int i = 0; i < e.getValue().length; i += 2) {
                    final int lengthAt = out.writerIndex();
                    out.writeInt(0);
                    out.setInt(lengthAt, SeriesKeyCodec.encode(e.getKey(), out));
                    out.writeLong(e.getValue()[i]);
                    out.writeLong(e.getValue()[i + 1]);
                }
            }
            final CRC32C crc = new CRC32C();
            crc.update(out.nioBuffer(0, out.writerIndex()));
            out.writeInt((int) crc.getValue());
            final Path tmp = dir.resolve(FILE + ".tmp");
            try (FileOutputStream f = new FileOutputStream(tmp.toFile())) {
                out.readBytes(f, out.readableBytes());
                f.getChannel().force(true);
            }
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            HeadCheckpoint.fsyncDirectory(dir);
        } finally {
            out.release();
        }
    }

    private int countEntries() {
        int n = 0;
        for (final long[] v : ranges.values()) {
            n += v.length / 2;
        }
        return n;
    }
}
