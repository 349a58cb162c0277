package io.metricstream.loadgen.drive;

import io.metricstream.loadgen.generate.SampleBatch;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;

/**
 * One encoded request: its body (HTTP) or per-partition record batches (queue), how many samples it carries,
 * and (in verify mode) the samples themselves, kept until the answer says whether they were acknowledged.
 * Owned by one thread at a time: the preparer, then the transport that sends it.
 */
public final class PreparedRequest {
    final int sampleCount;
    final SampleBatch samples;
    ByteBuf body;
    int[] partitions;
    ByteBuf[] batches;
    long intendedNanos;
    long sentNanos;

    PreparedRequest(final int sampleCount, final SampleBatch samples) {
        this.sampleCount = sampleCount;
        this.samples = samples;
    }

    /** Samples in this request. */
    public int sampleCount() {
        return sampleCount;
    }

    /** The samples, kept in verify mode, else {@code null}. */
    public SampleBatch samples() {
        return samples;
    }

    /** Bytes on the wire (body or record batches). */
    public long payloadBytes() {
        long n = body == null ? 0 : body.readableBytes();
        if (batches != null) {
            for (ByteBuf b : batches) {
                n += b.readableBytes();
            }
        }
        return n;
    }

    /** Releases the buffers of a request that will not be sent. */
    void release() {
        if (body != null) {
            ReferenceCountUtil.safeRelease(body);
            body = null;
        }
        if (batches != null) {
            for (ByteBuf b : batches) {
                ReferenceCountUtil.safeRelease(b);
            }
            batches = null;
        }
    }
}
