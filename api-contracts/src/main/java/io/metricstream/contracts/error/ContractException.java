package io.metricstream.contracts.error;

/**
 * An error response from a MetricStream server (or a local network failure) surfaced by a client
 * future. Carries the {@link ErrorCode} so callers decide on retry by {@code code().retriable()}.
 */
public class ContractException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    /** An error with the server's or client's message. */
    public ContractException(final ErrorCode code, final String message) {
        super(code.wireName() + ": " + message);
        this.code = code;
    }

    /** An error caused by a lower-level failure. */
    public ContractException(final ErrorCode code, final String message, final Throwable cause) {
        super(code.wireName() + ": " + message, cause);
        this.code = code;
    }

    /** The error code. */
    public ErrorCode code() {
        return code;
    }
}
