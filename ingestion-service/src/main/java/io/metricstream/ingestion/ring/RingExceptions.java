package io.metricstream.ingestion.ring;

import com.lmax.disruptor.ExceptionHandler;
import io.metricstream.runtime.logging.DistinctErrorLog;

/**
 * The ring's exception handler: logs batcher bugs once per interval and never lets a request hang — when the
 * batcher throws on a request's last run before sealing it, the request's "in the ring" count is removed here,
 * failed. A throw after the seal (flushing a full or due batch) finds the event already cleared, so the request is
 * not touched twice; a batch that cannot be written fails its own requests (PartitionBatcher.flush).
 */
public final class RingExceptions implements ExceptionHandler<SeriesRunEvent> {
    private final DistinctErrorLog errors;

    /** A handler logging to {@code errors}. */
    public RingExceptions(final DistinctErrorLog errors) {
        this.errors = errors;
    }

    @Override
    public void handleEventException(final Throwable ex, final long sequence, final SeriesRunEvent event) {
        errors.error(DistinctErrorLog.keyOf(ex), "ingest batcher failed at sequence " + sequence, ex);
        if (event != null && event.request() != null && event.last()) {
            event.request().samples().release();
            event.request().batchDone("internal error in the batcher");
        }
    }

    @Override
    public void handleOnStartException(final Throwable ex) {
        errors.error("batcher-start", "ingest batcher failed to start", ex);
    }

    @Override
    public void handleOnShutdownException(final Throwable ex) {
        errors.error("batcher-stop", "ingest batcher failed to stop", ex);
    }
}
