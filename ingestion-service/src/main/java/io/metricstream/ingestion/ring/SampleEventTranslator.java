package io.metricstream.ingestion.ring;

import com.lmax.disruptor.EventTranslatorOneArg;
import io.metricstream.ingestion.format.StagedSamples;

/**
 * Fills a slot from the request's next staged sample ({@code request.publishIndex}). Stateless, one shared
 * instance: a fixed-arity translator instead of a capturing lambda, so publishing allocates nothing.
 */
public final class SampleEventTranslator implements EventTranslatorOneArg<SampleEvent, IngestRequest> {
    /** The shared instance. */
    public static final SampleEventTranslator INSTANCE = new SampleEventTranslator();

    private SampleEventTranslator() {
    }

    @Override
    public void translateTo(final SampleEvent event, final long sequence, final IngestRequest request) {
        final StagedSamples s = request.samples();
        final int i = request.publishIndex++;
        event.request = request;
        event.keyAt = s.keyAt(i);
        event.keyLength = s.keyLength(i);
        event.seriesHash = s.seriesHash(i);
        event.timestampMs = s.timestampMs(i);
        event.valueBits = s.valueBits(i);
        event.partition = s.partition(i);
        event.last = i == request.sampleCount() - 1;
    }
}
