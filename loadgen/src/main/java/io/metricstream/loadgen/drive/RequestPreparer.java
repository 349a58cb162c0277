package io.metricstream.loadgen.drive;

import io.metricstream.loadgen.encode.BodyEncoder;
import io.metricstream.loadgen.encode.QueueRecordEncoder;
import io.metricstream.loadgen.generate.SampleBatch;
import io.metricstream.loadgen.generate.SampleSource;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the sample source into encoded requests of {@code batchSize} samples each. Serialised by its own lock,
 * so any transport thread may ask for the next request; the source and encoders are only touched under it.
 */
public final class RequestPreparer {
    private final SampleSource source;
    private final BodyEncoder encoder;
    private final QueueRecordEncoder queueEncoder;
    private final int batchSize;
    private final boolean keepSamples;
    private final SampleBatch scratch;
    private final int initialBodyBytes;
    private final java.util.ArrayDeque<PreparedRequest> preloaded = new java.util.ArrayDeque<>();
    private boolean exhausted;

    /**
     * @param source the samples, in send order
     * @param encoder HTTP body encoder, or {@code null} for the queue
     * @param queueEncoder record encoder for the queue, or {@code null} for HTTP
     * @param batchSize samples per request
     * @param keepSamples whether requests keep a copy of their samples (verify mode)
     */
    public RequestPreparer(final SampleSource source, final BodyEncoder encoder, final QueueRecordEncoder queueEncoder,
                           final int batchSize, final boolean keepSamples) {
        this.source = source;
        this.encoder = encoder;
        this.queueEncoder = queueEncoder;
        this.batchSize = batchSize;
        this.keepSamples = keepSamples;
        this.scratch = new SampleBatch(batchSize);
        this.initialBodyBytes = Math.min(64 << 20, batchSize * 96 + 64);
    }

    /** The next request, or {@code null} when the source is exhausted. */
    public synchronized PreparedRequest next(final long nowMs) {
        final PreparedRequest early = preloaded.poll();
        if (early != null) {
            return early;
        }
        if (exhausted) {
            return null;
        }
        scratch.clear();
        final int n = source.fill(scratch, batchSize, nowMs);
        if (n == 0) {
            exhausted = true;
            return null;
        }
        final PreparedRequest request = new PreparedRequest(n, keepSamples ? scratch.copy() : null);
        if (encoder != null) {
            final ByteBuf body = ByteBufAllocator.DEFAULT.buffer(initialBodyBytes);
            try {
                encoder.encode(scratch, body);
            } catch (RuntimeException e) {
                body.release();
                throw e;
            }
            request.body = body;
        } else {
            final List<ByteBuf> batches = new ArrayList<>();
            final List<Integer> partitions = new ArrayList<>();
            queueEncoder.encode(scratch, (partition, batch) -> {
                partitions.add(partition);
                batches.add(batch);
            });
            request.batches = batches.toArray(new ByteBuf[0]);
            request.partitions = partitions.stream().mapToInt(Integer::intValue).toArray();
        }
        return request;
    }

    /** Whether the source ran out. */
    public synchronized boolean exhausted() {
        return exhausted;
    }

    /**
     * Encodes requests ahead of time, until the source ends or {@code maxBytes} of payload are held, so a timed run
     * measures the server rather than the encoder. Returns the number of requests preloaded.
     */
    public synchronized int preload(final long maxBytes, final long nowMs) {
        long bytes = 0;
        final List<PreparedRequest> all = new ArrayList<>();
        while (bytes < maxBytes) {
            final PreparedRequest r = next(nowMs);
            if (r == null) {
                break;
            }
            all.add(r);
            bytes += r.payloadBytes();
        }
        preloaded.addAll(all);
        return all.size();
    }

    /** Releases requests preloaded but never sent. */
    public synchronized void releasePreloaded() {
        PreparedRequest r;
        while ((r = preloaded.poll()) != null) {
            r.release();
        }
    }
}
