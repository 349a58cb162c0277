package io.metricstream.queue.group;

import java.util.List;

/**
 * Broker-side range assignment: members sorted by id, partitions {@code 0..P-1} split into contiguous ranges,
 * the first {@code P % M} members getting one extra (Kafka's RangeAssignor). Deterministic, so every
 * generation's assignment follows from its member list alone.
 */
public final class Assignment {
    private Assignment() {
    }

    /** Partitions of the member at {@code memberIndex} among {@code memberCount} sorted members. */
    public static int[] range(final int partitions, final int memberCount, final int memberIndex) {
        final int quota = partitions / memberCount;
        final int extra = partitions % memberCount;
        final int start = memberIndex * quota + Math.min(memberIndex, extra);
        final int length = quota + (memberIndex < extra ? 1 : 0);
        final int[] out = new int[length];
        for (int i = 0; i < length; i++) {
            out[i] = start + i;
        }
        return out;
    }

    /** Index of {@code memberId} in {@code sortedMembers}, or -1. */
    public static int indexOf(final List<String> sortedMembers, final String memberId) {
        return sortedMembers.indexOf(memberId);
    }
}
