package io.metricstream.queue.group;

/**
 * One member of a consumer group: its id, session timeout and last heartbeat. Guarded by the
 * {@link GroupCoordinator}'s lock.
 */
final class Membership {
    private final String memberId;
    private final long sessionTimeoutNs;
    private long lastSeenNs;
    private int[] partitions = new int[0];

    Membership(String memberId, long sessionTimeoutNs, long nowNs) {
        this.memberId = memberId;
        this.sessionTimeoutNs = sessionTimeoutNs;
        this.lastSeenNs = nowNs;
    }

    String memberId() {
        return memberId;
    }

    void seen(final long nowNs) {
        lastSeenNs = nowNs;
    }

    boolean expired(final long nowNs) {
        return nowNs - lastSeenNs > sessionTimeoutNs;
    }

    int[] partitions() {
        return partitions;
    }

    void partitions(final int[] assigned) {
        this.partitions = assigned;
    }

    boolean owns(final int partition) {
        for (final int p : partitions) {
            if (p == partition) {
                return true;
            }
        }
        return false;
    }
}
