package io.metricstream.ingestion.batch;

import io.metricstream.contracts.wire.Hashing;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * The contract's partitioning rule and the topic's partition count. A sample goes to
 * {@code Hashing.partitionFor(hash, P)} where {@code hash} is {@code Hashing.hash64} of its {@code client_id}'s
 * UTF-8 bytes when it has one, else of its series key ({@code StagedSamples} applies it per series). The count
 * comes from the queue's METADATA at start and on every refresh; 0 means not known yet (not ready).
 * Thread-safe (volatile count).
 */
public final class PartitionChooser {
    private volatile int partitions;

    /** The partition count, 0 while unknown. */
    public int partitions() {
        return partitions;
    }

    /** Sets the count learnt from METADATA. */
    public void partitions(final int count) {
        this.partitions = count;
    }

    /** {@code Hashing.hash64} of the UTF-8 bytes of {@code clientId}. Allocates (once per request). */
    public static long clientHash(final String clientId) {
        final byte[] bytes = clientId.getBytes(StandardCharsets.UTF_8);
        return Hashing.hash64(Unpooled.wrappedBuffer(bytes), 0, bytes.length);
    }

    /** The partition of {@code hash} among {@code count}. */
    public static int partitionFor(final long hash, final int count) {
        return Hashing.partitionFor(hash, count);
    }
}
