package io.metricstream.ingestion.ring;

/**
 * One slot of the ingest ring, preallocated at start and overwritten in place for every sample: a reference into
 * the request's staged series key (no copy) and the key's hash, the timestamp, the raw value bits, the partition,
 * the request handle and whether this is the request's last sample. A slot without request is a signal (see
 * {@code IngestRing#signal}). Mutable; a slot belongs to the publishing event loop between
 * claim and publish and to the batcher after.
 */
public final class SampleEvent {
    IngestRequest request;
    int keyAt;
    int keyLength;
    long seriesHash;
    long timestampMs;
    long valueBits;
    int partition;
    boolean last;

    /** The request the sample belongs to. */
    public IngestRequest request() {
        return request;
    }

    /** Index of the series key in {@code request().samples().keys()}. */
    public int keyAt() {
        return keyAt;
    }

    /** Length of the series key. */
    public int keyLength() {
        return keyLength;
    }

    /** {@code SeriesKeyCodec.hash} of the series key. */
    public long seriesHash() {
        return seriesHash;
    }

    /** Epoch milliseconds. */
    public long timestampMs() {
        return timestampMs;
    }

    /** Raw IEEE-754 bits of the value. */
    public long valueBits() {
        return valueBits;
    }

    /** Target partition. */
    public int partition() {
        return partition;
    }

    /** Whether this is the request's last sample. */
    public boolean last() {
        return last;
    }

    /** Whether this slot is a signal (the queue answered a produce of {@link #partition()}), not a sample. */
    public boolean isSignal() {
        return request == null;
    }

    /** Drops the request reference (so a consumed slot does not pin a request's memory). */
    public void clear() {
        request = null;
    }
}
