package io.metricstream.ingestion.ring;

import io.metricstream.ingestion.format.StagedSamples;

/**
 * Finds a request's series runs and fills slots with them. A run is the longest stretch of consecutive staged
 * samples with the same series key and partition, from the request's publish position
 * ({@code request.publishIndex}). Stateless; publishing allocates nothing.
 */
public final class SeriesRunTranslator {
    private SeriesRunTranslator() {
    }

    /**
     * Writes into {@code ends} the end (exclusive sample index) of each run from {@code request.publishIndex} on,
     * at most {@code ends.length} runs; returns how many.
     */
    public static int findRuns(final IngestRequest request, final int[] ends) {
        final StagedSamples s = request.samples();
        final int n = request.sampleCount();
        int i = request.publishIndex;
        int runs = 0;
        while (i < n && runs < ends.length) {
            final int keyAt = s.keyAt(i);
            final int partition = s.partition(i);
            i++;
            while (i < n && s.keyAt(i) == keyAt && s.partition(i) == partition) {
                i++;
            }
            ends[runs++] = i;
        }
        return runs;
    }

    /** Fills {@code event} with the run {@code [request.publishIndex, end)} and moves the publish position to end. */
    public static void translateTo(final SeriesRunEvent event, final IngestRequest request, final int end) {
        final StagedSamples s = request.samples();
        final int from = request.publishIndex;
        request.publishIndex = end;
        event.request = request;
        event.keyAt = s.keyAt(from);
        event.keyLength = s.keyLength(from);
        event.seriesHash = s.seriesHash(from);
        event.partition = s.partition(from);
        event.from = from;
        event.count = end - from;
        event.last = end == request.sampleCount();
    }
}
