package io.metricstream.queue.flush;

import io.metricstream.contracts.error.ErrorCode;

/** Completion of one produce: called once, from the writer or a flush thread. */
public interface AppendAck {
    /** The batch is durable per the fsync policy and got {@code baseOffset}. */
    void acked(long baseOffset);

    /** The batch was rejected or could not be written. */
    void failed(ErrorCode code, String message);
}
