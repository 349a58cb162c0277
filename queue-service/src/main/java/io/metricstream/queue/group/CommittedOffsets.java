package io.metricstream.queue.group;

import io.metricstream.contracts.record.Crc32c;
import io.metricstream.contracts.wire.WireReader;
import io.metricstream.contracts.wire.WireWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable committed offsets of every group: an append-only file {@code <dataDir>/__offsets.log} of records
 * <pre>
 *   int32    length     bytes after the crc field
 *   int32    crc        CRC32C of the bytes after it
 *   string16 group, string16 topic, int32 partition, int64 offset
 * </pre>
 * A commit is acknowledged after the fsync that covers it; concurrent commits share one fsync (one offsets
 * thread drains them). At open the file is read up to the first torn or corrupt record and compacted to one
 * record per key (written to a temp file, fsynced and renamed over the old one).
 *
 * <p>Threads: {@link #committed} on any thread; writes on the {@code queue-offsets} thread.
 */
public final class CommittedOffsets implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CommittedOffsets.class);
    /** The file name. */
    public static final String FILE = "__offsets.log";

    /** Completion of a commit: {@code failure} is null when the offset is on disk. */
    @FunctionalInterface
    public interface CommitAck {
        /** Called once on the offsets thread. */
        void completed(IOException failure);
    }

    private record Key(String group, String topic, int partition) {
    }

    private record Commit(Key key, long offset, CommitAck ack) {
    }

    private final Path file;
    private final Map<Key, Long> offsets = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Commit> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        final Thread t = new Thread(r, "queue-offsets");
        t.setDaemon(true);
        return t;
    });
    private final Crc32c crc = new Crc32c();
    private final ByteBuf scratch = Unpooled.buffer(4096);
    private FileChannel channel;

    private CommittedOffsets(Path file) {
        this.file = file;
    }

    /** Opens (recovers and compacts) the offsets file in {@code dataDir}. */
    public static CommittedOffsets open(final Path dataDir) throws IOException {
        final CommittedOffsets o = new CommittedOffsets(dataDir.resolve(FILE));
        o.recover();
        return o;
    }

    private void recover() throws IOException {
        if (Files.exists(file)) {
            final ByteBuf all = Unpooled.wrappedBuffer(Files.readAllBytes(file));
            final WireReader r = new WireReader();
            int at = 0;
            while (all.writerIndex() - at >= 8) {
                final int length = all.getInt(at);
                if (length < 16 || length > all.writerIndex() - at - 8
                    || crc.compute(all, at + 8, length) != all.getInt(at + 4)) {
                    LOG.warn("offsets file {}: dropping torn or corrupt tail at byte {}", file, at);
                    break;
                }
                r.wrap(all, at + 8, length);
                final Key key = new Key(r.string16("group"), r.string16("topic"), r.int32("partition"));
                final long offset = r.int64("offset");
                if (r.ok()) {
                    offsets.put(key, offset);
                }
                at += 8 + length;
            }
            all.release();
        }
        final Path tmp = file.resolveSibling(FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            scratch.clear();
            for (final Map.Entry<Key, Long> e : offsets.entrySet()) {
                encode(e.getKey(), e.getValue());
            }
            writeScratch(ch);
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    private void encode(final Key key, final long offset) {
        final int start = scratch.writerIndex();
        scratch.writeInt(0);
        scratch.writeInt(0);
        WireWriter.string16(scratch, key.group());
        WireWriter.string16(scratch, key.topic());
        scratch.writeInt(key.partition());
        scratch.writeLong(offset);
        final int length = scratch.writerIndex() - start - 8;
        scratch.setInt(start, length);
        scratch.setInt(start + 4, crc.compute(scratch, start + 8, length));
    }

    private void writeScratch(final FileChannel ch) throws IOException {
        final java.nio.ByteBuffer nio = scratch.nioBuffer();
        while (nio.hasRemaining()) {
            ch.write(nio);
        }
    }

    /** The committed offset, or -1 when none. */
    public long committed(final String group, final String topic, final int partition) {
        return offsets.getOrDefault(new Key(group, topic, partition), -1L);
    }

    /** Commits durably; {@code ack} runs after the fsync. */
    public void commit(final String group, final String topic, final int partition, final long offset,
                       final CommitAck ack) {
        queue.add(new Commit(new Key(group, topic, partition), offset, ack));
        if (draining.compareAndSet(false, true)) {
            try {
                thread.execute(this::drain);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                draining.set(false);
                ack.completed(new IOException("offsets store is closed"));
            }
        }
    }

    private void drain() {
        while (true) {
            final java.util.List<Commit> batch = new java.util.ArrayList<>();
            Commit c;
            while ((c = queue.poll()) != null) {
                batch.add(c);
            }
            if (batch.isEmpty()) {
                draining.set(false);
                if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            IOException failure = null;
            try {
                scratch.clear();
                for (final Commit b : batch) {
                    encode(b.key(), b.offset());
                }
                writeScratch(channel);
                channel.force(false);
                for (final Commit b : batch) {
                    offsets.put(b.key(), b.offset());
                }
            } catch (IOException | RuntimeException e) {
                failure = e instanceof IOException io ? io : new IOException(e.toString(), e);
                LOG.error("offset commit failed: {}", e.toString());
            }
            for (final Commit b : batch) {
                b.ack().completed(failure);
            }
        }
    }

    /** Stops the offsets thread after pending commits and closes the file. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
            channel.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.warn("cannot close {}: {}", file, e.toString());
        }
        scratch.release();
    }
}
