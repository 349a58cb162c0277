package io.metricstream.contracts.error;

/**
 * Every error the binary protocols can return, with its wire code, whether a client may retry, the HTTP
 * status a service maps it to, and the lower-case name used in JSON error bodies. Wire codes never change
 * meaning; new codes are only appended.
 */
public enum ErrorCode {
    /** Success. */
    NONE(0, false, 200, "none"),
    /** The request could not be decoded (bad lengths, truncated fields, bad UTF-8). */
    INVALID_REQUEST(1, false, 400, "invalid_request"),
    /** A record batch failed its structure or CRC check. */
    CORRUPT_MESSAGE(2, false, 400, "corrupt_message"),
    /** The topic does not exist. */
    UNKNOWN_TOPIC(3, false, 404, "unknown_topic"),
    /** The partition does not exist for the topic. */
    UNKNOWN_PARTITION(4, false, 404, "unknown_partition"),
    /** The fetch offset is outside [log start offset, high watermark]. */
    OFFSET_OUT_OF_RANGE(5, false, 416, "offset_out_of_range"),
    /** A batch or frame is larger than the server allows. */
    MESSAGE_TOO_LARGE(6, false, 413, "message_too_large"),
    /** The topic name is invalid (characters, length, path tricks) or the topic already exists. */
    INVALID_TOPIC(7, false, 400, "invalid_topic"),
    /** The server is out of a bounded resource (memory budget, disk space, in-flight limit); retry later. */
    THROTTLED(8, true, 503, "throttled"),
    /** The request did not complete within its timeout. */
    TIMEOUT(9, true, 504, "timeout"),
    /** The API key or version is not supported by this server. */
    UNSUPPORTED_VERSION(10, false, 400, "unsupported_version"),
    /** The consumer group member is unknown (never joined or its session expired): join again. */
    UNKNOWN_MEMBER(11, true, 409, "unknown_member"),
    /** The generation is stale: the group rebalanced; adopt the new assignment before committing. */
    ILLEGAL_GENERATION(12, true, 409, "illegal_generation"),
    /** The server is starting, recovering or shutting down; retry later. */
    NOT_READY(13, true, 503, "not_ready"),
    /** A series limit (labels per series, label length, series cardinality) was exceeded. */
    LIMIT_EXCEEDED(14, false, 422, "limit_exceeded"),
    /** The client could not reach the server (connection refused, reset, closed). Never sent on the wire. */
    NETWORK(15, true, 503, "network"),
    /** A bug or unexpected IO failure on the server; the message says which. */
    INTERNAL(16, true, 500, "internal");

    private static final ErrorCode[] BY_CODE = new ErrorCode[32];

    static {
        for (final ErrorCode e : values()) {
            BY_CODE[e.code] = e;
        }
    }

    private final short code;
    private final boolean retriable;
    private final int httpStatus;
    private final String wireName;

    ErrorCode(final int code, final boolean retriable, final int httpStatus, final String wireName) {
        this.code = (short) code;
        this.retriable = retriable;
        this.httpStatus = httpStatus;
        this.wireName = wireName;
    }

    /** The int16 sent on the wire. */
    public short code() {
        return code;
    }

    /** Whether the same request may succeed when retried later. */
    public boolean retriable() {
        return retriable;
    }

    /** HTTP status a service answers with for this error. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Lower-case name for JSON error bodies ({@code "code"} field). */
    public String wireName() {
        return wireName;
    }

    /** The code for a wire value; unknown values map to {@link #INTERNAL}. */
    public static ErrorCode fromCode(final int code) {
        if (code < 0 || code >= BY_CODE.length || BY_CODE[code] == null) {
            return INTERNAL;
        }
        return BY_CODE[code];
    }
}
