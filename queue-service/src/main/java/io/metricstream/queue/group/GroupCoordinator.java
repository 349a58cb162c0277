package io.metricstream.queue.group;

import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.queue.GroupAssignment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumer groups: membership with session timeouts, and a new generation with a broker-side range
 * {@link Assignment} whenever a member joins, leaves or dies. Members learn their partitions from JOIN_GROUP and
 * HEARTBEAT answers. Design note: there is no sync barrier as in Kafka's eager protocol, so during a rebalance
 * two members may briefly fetch the same partition; commits are fenced by generation and ownership, which
 * keeps committed offsets consistent, and storage drops duplicates idempotently.
 *
 * <p>Threads: every method is synchronized (groups are small and calls are rare next to produce/fetch).
 */
public final class GroupCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);
    /** Smallest session timeout accepted. */
    public static final int MIN_SESSION_TIMEOUT_MS = 100;
    /** Largest session timeout accepted. */
    public static final int MAX_SESSION_TIMEOUT_MS = 300_000;

    /**
     * Answer of a join or heartbeat.
     *
     * @param code NONE or the error
     * @param message error message or ""
     * @param assignment the member's assignment when NONE
     */
    public record Answer(ErrorCode code, String message, GroupAssignment assignment) {
        static Answer error(final ErrorCode code, final String message) {
            return new Answer(code, message, null);
        }
    }

    private static final class Group {
        final String topic;
        final TreeMap<String, Membership> members = new TreeMap<>();
        int generation;

        Group(String topic) {
            this.topic = topic;
        }
    }

    private final ToIntFunction<String> partitionCount;
    private final LongSupplier nanoClock;
    private final Map<String, Group> groups = new HashMap<>();
    private final AtomicLong memberIds = new AtomicLong();
    private final AtomicLong rebalances = new AtomicLong();

    /** A coordinator; {@code partitionCount} answers a topic's partition count, or -1 when unknown. */
    public GroupCoordinator(final ToIntFunction<String> partitionCount, final LongSupplier nanoClock) {
        this.partitionCount = partitionCount;
        this.nanoClock = nanoClock;
    }

    /** Joins {@code memberId} ("" = a new member with a broker-made id) to {@code group} consuming {@code topic}. */
    public synchronized Answer join(final String group, final String memberId, final String topic,
                                    final int sessionTimeoutMs) {
        if (group.isEmpty()) {
            return Answer.error(ErrorCode.INVALID_REQUEST, "group id is empty");
        }
        if (sessionTimeoutMs < MIN_SESSION_TIMEOUT_MS || sessionTimeoutMs > MAX_SESSION_TIMEOUT_MS) {
            return Answer.error(ErrorCode.INVALID_REQUEST, "sessionTimeoutMs: got " + sessionTimeoutMs + "; want "
                + MIN_SESSION_TIMEOUT_MS + "..=" + MAX_SESSION_TIMEOUT_MS);
        }
        if (partitionCount.applyAsInt(topic) < 0) {
            return Answer.error(ErrorCode.UNKNOWN_TOPIC, "unknown topic: " + topic);
        }
        final long now = nanoClock.getAsLong();
        expire(now);
        Group g = groups.get(group);
        if (g != null && !g.topic.equals(topic)) {
            if (!g.members.isEmpty()) {
                return Answer.error(ErrorCode.INVALID_REQUEST, "group " + group + " consumes topic " + g.topic
                    + "; got topic " + topic);
            }
            g = null;
        }
        if (g == null) {
            g = new Group(topic);
            groups.put(group, g);
        }
        final String id = memberId.isEmpty() ? "member-" + memberIds.incrementAndGet() + "-"
            + Long.toHexString(now & 0xFFFFFFL) : memberId;
        final Membership m = g.members.get(id);
        if (m != null) {
            m.seen(now);
        } else {
            g.members.put(id, new Membership(id, TimeUnit.MILLISECONDS.toNanos(sessionTimeoutMs), now));
            rebalance(group, g, "join of " + id);
        }
        return answer(g, g.members.get(id));
    }

    /** Refreshes a member's session; answers the current generation and assignment. */
    public synchronized Answer heartbeat(final String group, final String memberId, final int generation) {
        final long now = nanoClock.getAsLong();
        expire(now);
        final Group g = groups.get(group);
        final Membership m = g == null ? null : g.members.get(memberId);
        if (m == null) {
            return Answer.error(ErrorCode.UNKNOWN_MEMBER, "unknown member " + memberId + " of group " + group
                + " (never joined or session expired): join again");
        }
        m.seen(now);
        return answer(g, m);
    }

    /** Removes a member at once; answers NONE or UNKNOWN_MEMBER. */
    public synchronized ErrorCode leave(final String group, final String memberId) {
        final Group g = groups.get(group);
        if (g == null || g.members.remove(memberId) == null) {
            return ErrorCode.UNKNOWN_MEMBER;
        }
        rebalance(group, g, "leave of " + memberId);
        return ErrorCode.NONE;
    }

    /**
     * Checks that a commit may proceed: a standalone commit (generation -1) always may; otherwise the member must
     * exist, the generation match and the partition be assigned to it. Answers NONE, UNKNOWN_MEMBER or
     * ILLEGAL_GENERATION.
     */
    public synchronized ErrorCode checkCommit(final String group, final String memberId, final int generation,
                                              final String topic, final int partition) {
        if (generation == -1) {
            return ErrorCode.NONE;
        }
        expire(nanoClock.getAsLong());
        final Group g = groups.get(group);
        final Membership m = g == null ? null : g.members.get(memberId);
        if (m == null) {
            return ErrorCode.UNKNOWN_MEMBER;
        }
        if (generation != g.generation || !g.topic.equals(topic) || !m.owns(partition)) {
            return ErrorCode.ILLEGAL_GENERATION;
        }
        return ErrorCode.NONE;
    }

    /** Removes members whose session expired (rebalancing their groups); returns how many. */
    public synchronized int expireSessions() {
        return expire(nanoClock.getAsLong());
    }

    private int expire(final long now) {
        int removed = 0;
        for (final Map.Entry<String, Group> e : groups.entrySet()) {
            final Group g = e.getValue();
            final List<String> dead = new ArrayList<>();
            for (final Membership m : g.members.values()) {
                if (m.expired(now)) {
                    dead.add(m.memberId());
                }
            }
            if (!dead.isEmpty()) {
                dead.forEach(g.members::remove);
                removed += dead.size();
                rebalance(e.getKey(), g, "session expiry of " + dead);
            }
        }
        return removed;
    }

    private void rebalance(final String groupId, final Group g, final String reason) {
        g.generation++;
        rebalances.incrementAndGet();
        final int partitions = Math.max(0, partitionCount.applyAsInt(g.topic));
        int i = 0;
        for (final Membership m : g.members.values()) {
            m.partitions(Assignment.range(partitions, g.members.size(), i++));
        }
        LOG.info("group {} rebalanced to generation {} after {}: members={}", groupId, g.generation, reason,
            g.members.keySet());
    }

    private static Answer answer(final Group g, final Membership m) {
        return new Answer(ErrorCode.NONE, "", new GroupAssignment(m.memberId(), g.generation, m.partitions().clone()));
    }

    /** The generation of {@code group}, or 0 when unknown. */
    public synchronized int generation(final String group) {
        final Group g = groups.get(group);
        return g == null ? 0 : g.generation;
    }

    /** Groups known. */
    public synchronized int groupCount() {
        return groups.size();
    }

    /** Rebalances so far (every generation bump of every group). */
    public long rebalances() {
        return rebalances.get();
    }
}
