package io.metricstream.ingestion.ring;

/**
 * One slot of the ingest ring, preallocated at start and overwritten in place: a run of one series' consecutive
 * staged samples of one request (one partition). It refers into the request's staging (no copy): the series
 * key's index, length and hash, and the run's first entry and sample count in {@code request().samples()}; plus
 * the partition and whether the run ends the request. A slot without request is a signal (see
 * {@code IngestRing#signal}). Mutable; a slot belongs to the publishing event loop between claim and publish and
 * to the batcher after.
 *
 * <p>Design note: a slot per run instead of per sample makes the Disruptor's work (claim, publish, the batcher's
 * per-event dispatch) and the translate step on the event loop per series run rather than per sample; a staged
 * request is runs already ({@code StagedSamples.groupBySeries}), 5 samples each in the peers' data set.
 */
public final class SeriesRunEvent {
    IngestRequest request;
    int keyAt;
    int keyLength;
    long seriesHash;
    int from;
    int count;
    int partition;
    boolean last;

    /** The request the run belongs to. */
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

    /** Index of the run's first sample in {@code request().samples()}. */
    public int from() {
        return from;
    }

    /** Samples in the run (at least 1). */
    public int count() {
        return count;
    }

    /** Target partition. */
    public int partition() {
        return partition;
    }

    /** Whether the run holds the request's last sample. */
    public boolean last() {
        return last;
    }

    /** Whether this slot is a signal (the queue answered a produce of {@link #partition()}), not a run. */
    public boolean isSignal() {
        return request == null;
    }

    /** Drops the request reference (so a consumed slot does not pin a request's memory). */
    public void clear() {
        request = null;
    }
}
