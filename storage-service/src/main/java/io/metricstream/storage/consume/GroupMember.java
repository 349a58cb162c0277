package io.metricstream.storage.consume;

import io.metricstream.contracts.error.ContractException;
import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.queue.GroupAssignment;
import io.metricstream.contracts.queue.GroupRequests;
import io.metricstream.contracts.queue.QueueClient;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * This instance's membership of the consumer group: joins, heartbeats every third of the session timeout, and
 * re-joins when the broker forgets it ({@code UNKNOWN_MEMBER}). The broker assigns partitions; every answer carries
 * the current generation and assignment. Not thread-safe; driven by the ingest thread (it blocks on the answer,
 * bounded by the request timeout).
 */
public final class GroupMember {
    private final QueueClient client;
    private final String group;
    private final String topic;
    private final int sessionTimeoutMs;
    private String memberId = "";
    private int generation = -1;
    private int[] partitions = new int[0];
    private long nextBeatNanos;

    /** A member of {@code group} consuming {@code topic}. */
    public GroupMember(final QueueClient client, final String group, final String topic, final int sessionTimeoutMs) {
        this.client = client;
        this.group = group;
        this.topic = topic;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.nextBeatNanos = System.nanoTime();
    }

    /** Member id ("" before the first join). */
    public String memberId() {
        return memberId;
    }

    /** Current generation (-1 before the first join). */
    public int generation() {
        return generation;
    }

    /** Assigned partitions, ascending. */
    public int[] partitions() {
        return partitions;
    }

    /** Joins or heartbeats when due; returns true when the assignment changed. Failures are thrown to the caller. */
    public boolean tick(final long nowNanos, final long timeoutMs) throws InterruptedException, TimeoutException {
        if (nowNanos - nextBeatNanos < 0) {
            return false;
        }
        GroupAssignment a;
        try {
            if (memberId.isEmpty()) {
                a = client.joinGroup(new GroupRequests.Join(group, "", topic, sessionTimeoutMs))
                    .get(timeoutMs, TimeUnit.MILLISECONDS);
            } else {
                a = client.heartbeat(new GroupRequests.Heartbeat(group, memberId, generation))
                    .get(timeoutMs, TimeUnit.MILLISECONDS);
            }
        } catch (final ExecutionException e) {
            if (e.getCause() instanceof ContractException ce && ce.code() == ErrorCode.UNKNOWN_MEMBER) {
                memberId = "";
                nextBeatNanos = nowNanos;
                return changeTo(new int[0], -1);
            }
            throw new IllegalStateException("group " + group + ": " + e.getCause().getMessage(), e.getCause());
        }
        memberId = a.memberId();
        nextBeatNanos = nowNanos + TimeUnit.MILLISECONDS.toNanos(Math.max(100, sessionTimeoutMs / 3));
        return changeTo(a.partitions(), a.generation());
    }

    private boolean changeTo(final int[] next, final int nextGeneration) {
        final boolean changed = !Arrays.equals(partitions, next);
        partitions = next.clone();
        Arrays.sort(partitions);
        generation = nextGeneration;
        return changed;
    }

    /** Postpones the next attempt after a failure (one second). */
    public void tickLater(final long nowNanos) {
        nextBeatNanos = nowNanos + TimeUnit.SECONDS.toNanos(1);
    }

    /** Leaves the group (best effort). */
    public void leave(final long timeoutMs) {
        if (memberId.isEmpty()) {
            return;
        }
        try {
            client.leaveGroup(new GroupRequests.Leave(group, memberId)).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (final ExecutionException | TimeoutException e) {
            // the session expires on its own
        }
        memberId = "";
    }
}
