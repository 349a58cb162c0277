package io.metricstream.queue.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.queue.GroupAssignment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class GroupCoordinatorTest {
    private final AtomicLong nanos = new AtomicLong();
    private final GroupCoordinator groups = new GroupCoordinator(t -> t.equals("t") ? 8 : -1, nanos::get);

    private GroupAssignment join(final String member) {
        final GroupCoordinator.Answer a = groups.join("g", member, "t", 1000);
        assertEquals(ErrorCode.NONE, a.code(), a.message());
        return a.assignment();
    }

    private GroupAssignment heartbeat(final String member) {
        final GroupCoordinator.Answer a = groups.heartbeat("g", member, 0);
        assertEquals(ErrorCode.NONE, a.code(), a.message());
        return a.assignment();
    }

    private void advanceMs(final long ms) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    @Test
    void shouldSplitPartitionsByRangeWhenThreeMembersJoinLeaveAndDie() {
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, join("a").partitions());
        assertEquals(2, join("b").generation());
        final GroupAssignment c = join("c");
        assertEquals(3, c.generation());
        assertArrayEquals(new int[] {0, 1, 2}, heartbeat("a").partitions());
        assertArrayEquals(new int[] {3, 4, 5}, heartbeat("b").partitions());
        assertArrayEquals(new int[] {6, 7}, c.partitions());

        assertEquals(ErrorCode.NONE, groups.leave("g", "b"));
        assertEquals(4, heartbeat("a").generation());
        assertArrayEquals(new int[] {0, 1, 2, 3}, heartbeat("a").partitions());
        assertArrayEquals(new int[] {4, 5, 6, 7}, heartbeat("c").partitions());

        advanceMs(600);
        heartbeat("a");
        advanceMs(600);
        assertEquals(1, groups.expireSessions(), "c died");
        assertEquals(5, heartbeat("a").generation());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, heartbeat("a").partitions());
        assertEquals(ErrorCode.UNKNOWN_MEMBER, groups.heartbeat("g", "c", 4).code());
    }

    @Test
    void shouldRefuseCommitWhenGenerationStaleOrPartitionNotOwned() {
        join("a");
        final int gen = join("b").generation();
        assertEquals(ErrorCode.NONE, groups.checkCommit("g", "a", gen, "t", 0));
        assertEquals(ErrorCode.ILLEGAL_GENERATION, groups.checkCommit("g", "a", gen, "t", 7));
        assertEquals(ErrorCode.ILLEGAL_GENERATION, groups.checkCommit("g", "a", gen - 1, "t", 0));
        assertEquals(ErrorCode.UNKNOWN_MEMBER, groups.checkCommit("g", "zz", gen, "t", 0));
        assertEquals(ErrorCode.NONE, groups.checkCommit("other", "", -1, "t", 5), "standalone commit");
    }

    @Test
    void shouldAssignBrokerMadeIdWhenMemberIdEmpty() {
        final GroupAssignment a = join("");
        assertEquals(1, a.generation());
        assertEquals(a.memberId(), heartbeat(a.memberId()).memberId());
        assertEquals(ErrorCode.UNKNOWN_TOPIC, groups.join("g2", "", "nope", 1000).code());
        assertEquals(ErrorCode.INVALID_REQUEST, groups.join("g", "x", "t", 1).code());
    }

    @Test
    void shouldGiveEveryPartitionToExactlyOneMemberWhenRangeAssigning() {
        for (int partitions = 1; partitions <= 17; partitions++) {
            for (int members = 1; members <= 6; members++) {
                final int[] owner = new int[partitions];
                for (int m = 0; m < members; m++) {
                    for (final int p : Assignment.range(partitions, members, m)) {
                        owner[p]++;
                    }
                }
                for (final int count : owner) {
                    assertEquals(1, count, partitions + " partitions over " + members + " members");
                }
            }
        }
    }
}
