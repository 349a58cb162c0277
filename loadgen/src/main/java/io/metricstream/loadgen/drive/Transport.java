package io.metricstream.loadgen.drive;

/**
 * One connection to a target with at most one request in flight (HTTP/1.1 keep-alive, or one queue produce at
 * a time). {@link #send} hands the request's buffers over; {@link Completion#done} is called exactly once, on
 * the transport's I/O thread.
 */
public interface Transport extends AutoCloseable {
    /** The outcome of one request. */
    @FunctionalInterface
    interface Completion {
        /**
         * @param status HTTP status (queue: 200 on ack, else the error code's HTTP status); 0 = no answer
         *     (connection failed, closed or timed out: the samples may or may not have been written)
         * @param endNanos {@link System#nanoTime} at completion
         * @param detail short reason for a failure (error body or exception), or {@code null}
         */
        void done(int status, long endNanos, String detail);
    }

    /** Sends {@code request}; the transport owns its buffers from now on. */
    void send(PreparedRequest request, Completion completion);

    @Override
    void close();
}
