package io.metricstream.storage.head;

import java.util.concurrent.TimeUnit;

/**
 * A query read for longer than a head truncation waits for earlier queries ({@link HeadReaders}): data it had not
 * read yet may have moved from the head into a block its block list does not hold, so its answer may be incomplete
 * and is refused instead. Retriable: a new query takes the current block list.
 */
public final class HeadTruncatedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HeadTruncatedException(final long maxWaitNs) {
        super("query overtaken by a head truncation: it was still reading after maxWaitMs="
            + TimeUnit.NANOSECONDS.toMillis(maxWaitNs) + " and may have missed flushed samples; retry");
    }
}
