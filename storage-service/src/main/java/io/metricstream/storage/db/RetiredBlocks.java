package io.metricstream.storage.db;

import io.metricstream.storage.block.Block;
import io.metricstream.storage.head.HeadReaders;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blocks taken out of the block list (compaction inputs, retention, tombstone rewrites) whose files are deleted but
 * still mapped, each tagged with the reader epoch its removal ended ({@link HeadReaders#retire}). A block is unmapped
 * ({@link Block#close}), which releases its disk space, once every query of that epoch or before has exited: later
 * queries took a list without it. Unmapping while a query reads the block would crash the JVM, so nothing here
 * waits or forces: {@link #release} runs after each retirement, on every maintenance cycle and at close, and a
 * block a stalled query still holds stays mapped (and counted in {@link #bytes}) until a later call.
 *
 * <p>Thread-safe (guarded by {@code this}); the unmapping runs outside the lock.
 */
final class RetiredBlocks {
    private static final Logger LOG = LoggerFactory.getLogger(RetiredBlocks.class);

    private record Retired(Block block, long epoch) {
    }

    private final HeadReaders readers;
    // guarded by this
    private final List<Retired> retired = new ArrayList<>();
    private long bytes;

    RetiredBlocks(final HeadReaders readers) {
        this.readers = readers;
    }

    /** Adds {@code blocks}, already out of the block list (the swap happened before this call). */
    void retire(final List<Block> blocks) {
        if (blocks.isEmpty()) {
            return;
        }
        final long epoch = readers.retire();
        synchronized (this) {
            for (final Block b : blocks) {
                retired.add(new Retired(b, epoch));
                bytes += b.sizeBytes();
            }
        }
    }

    /** Unmaps the retired blocks no query can read any more; returns how many. Never blocks. Any thread. */
    int release() {
        final List<Block> free = new ArrayList<>();
        synchronized (this) {
            retired.removeIf(r -> {
                if (readers.exitedUpTo(r.epoch())) {
                    free.add(r.block());
                    return true;
                }
                return false;
            });
        }
        long freed = 0;
        for (final Block b : free) {
            b.close();
            freed += b.sizeBytes();
        }
        synchronized (this) {
            // counted until unmapped: the space is not free before
            bytes -= freed;
        }
        if (!free.isEmpty()) {
            LOG.debug("unmapped {} retired block(s)", free.size());
        }
        return free.size();
    }

    /** Bytes on disk of the blocks retired and not yet unmapped (deleted, but their space not yet free). */
    synchronized long bytes() {
        return bytes;
    }

    /** Blocks retired and not yet unmapped. */
    synchronized int size() {
        return retired.size();
    }
}
