package io.metricstream.contracts.frame;

/**
 * The operations of the binary protocols. Queue APIs are 0–31, storage APIs 32–63. Request and response
 * bodies are specified byte by byte in api-contracts/README.md and docs/format/frames.md.
 */
public enum ApiKey {
    /** Append one record batch to a partition; answers the base offset. */
    PRODUCE(0),
    /** Read record batches from a partition offset, long-polling up to maxWaitMs for minBytes. */
    FETCH(1),
    /** Find the first offset whose timestamp is >= a time, or the earliest/latest offset. */
    LIST_OFFSETS(2),
    /** Commit a consumer group's offset for a partition. */
    OFFSET_COMMIT(3),
    /** Read a consumer group's committed offset for a partition. */
    OFFSET_FETCH(4),
    /** List topics with their partition counts. */
    METADATA(5),
    /** Join a consumer group for a topic; answers member id, generation and assigned partitions. */
    JOIN_GROUP(6),
    /** Keep a group membership alive; answers the current generation and assignment. */
    HEARTBEAT(7),
    /** Leave a consumer group (its partitions are reassigned at once). */
    LEAVE_GROUP(8),
    /** Create a topic with a partition count. */
    CREATE_TOPIC(9),
    /** Select series and samples by label matchers over a time range (streamed response). */
    SELECT(32),
    /** Label names of the series matching matchers over a time range. */
    LABEL_NAMES(33),
    /** Values of one label over the series matching matchers over a time range. */
    LABEL_VALUES(34),
    /** Label sets of the series matching matchers over a time range. */
    SERIES(35),
    /** Delete samples of the series matching matchers in a time range (tombstones). */
    DELETE_SERIES(36),
    /** Rewrite blocks without the samples their tombstones cover, then drop the tombstones. */
    CLEAN_TOMBSTONES(37),
    /** Select series with their samples as encoded chunks (same request as SELECT; streamed response). */
    SELECT_CHUNKS(38),
    /** An aggregate over windows of each matching series, served from rollups where they cover (streamed). */
    SELECT_WINDOWS(39);

    private static final ApiKey[] BY_ID = new ApiKey[64];

    static {
        for (final ApiKey k : values()) {
            BY_ID[k.id] = k;
        }
    }

    private final short id;

    ApiKey(final int id) {
        this.id = (short) id;
    }

    /** The int16 on the wire. */
    public short id() {
        return id;
    }

    /** The key for a wire id, or {@code null} when unknown. */
    public static ApiKey fromId(final int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }
}
