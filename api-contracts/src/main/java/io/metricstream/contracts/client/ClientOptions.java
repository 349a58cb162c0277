package io.metricstream.contracts.client;

import io.metricstream.contracts.frame.FrameDescriptor;

/**
 * Settings of a {@link PipelinedClient}.
 *
 * @param connectTimeoutMs bound on one connection attempt
 * @param requestTimeoutMs default bound on one request (a FETCH adds its maxWaitMs to it)
 * @param maxFrameBytes largest response frame accepted; longer frames close the connection
 * @param reconnect back-off between connection attempts
 */
public record ClientOptions(int connectTimeoutMs, int requestTimeoutMs, int maxFrameBytes,
                            ReconnectPolicy reconnect) {
    /** 2 s connect, 10 s requests, 16 MiB frames, default back-off. */
    public static final ClientOptions DEFAULT = new ClientOptions(2_000, 10_000,
        FrameDescriptor.DEFAULT_MAX_FRAME_BYTES, ReconnectPolicy.DEFAULT);
}
