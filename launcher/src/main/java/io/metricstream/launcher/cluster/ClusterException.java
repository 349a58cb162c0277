package io.metricstream.launcher.cluster;

import java.io.Serial;

/** A local cluster could not start, become ready or be wired; the message names the instance and the reason. */
public final class ClusterException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public ClusterException(String message) {
        super(message);
    }
}
