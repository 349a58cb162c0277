package io.metricstream.alert.eval;

import io.metricstream.contracts.client.ClientOptions;
import io.metricstream.contracts.error.ContractException;
import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.queue.FetchRequest;
import io.metricstream.contracts.queue.FetchResponse;
import io.metricstream.contracts.queue.GroupAssignment;
import io.metricstream.contracts.queue.GroupRequests;
import io.metricstream.contracts.queue.QueueClient;
import io.metricstream.runtime.logging.DistinctErrorLog;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import org.slf4j.LoggerFactory;

/**
 * Watches topic {@code metrics.inbound} as consumer group {@code alert} for recency only: it joins the group,
 * starts each assigned partition at its latest offset (LIST_OFFSETS -1), long-polls FETCH, and for every record
 * whose {@code __name__} some rule selects, decodes the series and hands each sample to the listener. It commits
 * nothing: after a restart it starts at the end again (the timer evaluation covers the gap).
 * Records of other metrics cost no allocation: the name is compared in place against the interesting names.
 * Threads: callbacks run on the queue client's event loop; retries are scheduled on {@code scheduler}.
 */
public final class InboundWatcher implements AutoCloseable {
    /** Receives samples of interesting series. */
    @FunctionalInterface
    public interface Listener {
        /** One sample (the listener must not block). */
        void onSample(io.metricstream.contracts.model.LabelSet labels, long timestampMs, double value);
    }

    private static final int SESSION_TIMEOUT_MS = 10_000;
    private static final int MAX_WAIT_MS = 500;
    private static final int MAX_BYTES = 1 << 20;
    private static final long RETRY_MS = 1_000;

    private final String topic;
    private final String group;
    private final QueueClient client;
    private final ScheduledExecutorService scheduler;
    private final DistinctErrorLog errors = new DistinctErrorLog(LoggerFactory.getLogger(InboundWatcher.class),
        Duration.ofSeconds(30));
    private final InboundScanner scanner;
    private final Set<Integer> polling = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile String memberId = "";
    private volatile int generation = -1;
    private volatile Set<Integer> assigned = Set.of();
    private volatile boolean closed;

    /**
     * A watcher of the queue at {@code address} (host:port or local:NAME), its client on {@code loops} (the host's
     * client group for that address; null = its own thread); call {@link #start}.
     */
    public InboundWatcher(String address, EventLoopGroup loops, String topic, String group,
                          ScheduledExecutorService scheduler, LongPredicate interested, Listener listener) {
        this.topic = topic;
        this.group = group;
        this.client = new QueueClient(address, ClientOptions.DEFAULT, loops);
        this.scheduler = scheduler;
        this.scanner = new InboundScanner(interested, listener);
    }

    /** Joins the group and starts fetching. */
    public void start() {
        join();
    }

    private void join() {
        if (closed) {
            return;
        }
        client.joinGroup(new GroupRequests.Join(group, memberId, topic, SESSION_TIMEOUT_MS))
            .whenComplete((a, err) -> {
                if (err != null) {
                    failed("join", err);
                    scheduler.schedule(this::join, RETRY_MS, TimeUnit.MILLISECONDS);
                    return;
                }
                assign(a);
                scheduler.schedule(this::heartbeat, SESSION_TIMEOUT_MS / 3, TimeUnit.MILLISECONDS);
            });
    }

    private void heartbeat() {
        if (closed) {
            return;
        }
        client.heartbeat(new GroupRequests.Heartbeat(group, memberId, generation)).whenComplete((a, err) -> {
            if (err != null) {
                final Throwable c = err.getCause() == null ? err : err.getCause();
                if (c instanceof ContractException ce && (ce.code() == ErrorCode.UNKNOWN_MEMBER
                    || ce.code() == ErrorCode.ILLEGAL_GENERATION)) {
                    memberId = ce.code() == ErrorCode.UNKNOWN_MEMBER ? "" : memberId;
                    join();
                    return;
                }
                failed("heartbeat", err);
            } else {
                assign(a);
            }
            scheduler.schedule(this::heartbeat, SESSION_TIMEOUT_MS / 3, TimeUnit.MILLISECONDS);
        });
    }

    private void assign(GroupAssignment a) {
        memberId = a.memberId();
        generation = a.generation();
        final Set<Integer> now = new HashSet<>();
        for (int p : a.partitions()) {
            now.add(p);
        }
        assigned = Set.copyOf(now);
        for (int p : now) {
            if (polling.add(p)) {
                client.listOffsets(topic, p, -1).whenComplete((offset, err) -> {
                    if (err != null) {
                        failed("list-offsets", err);
                        polling.remove(p);
                        scheduler.schedule(() -> assign(a), RETRY_MS, TimeUnit.MILLISECONDS);
                        return;
                    }
                    fetch(p, offset);
                });
            }
        }
    }

    private void fetch(int partition, long offset) {
        if (closed || !assigned.contains(partition)) {
            polling.remove(partition);
            return;
        }
        final CompletableFuture<FetchResponse> f = client.fetch(new FetchRequest(topic, partition, offset,
            MAX_WAIT_MS, 1, MAX_BYTES));
        f.whenComplete((resp, err) -> {
            if (err != null) {
                failed("fetch", err);
                final Throwable c = err.getCause() == null ? err : err.getCause();
                final boolean outOfRange = c instanceof ContractException ce
                    && ce.code() == ErrorCode.OFFSET_OUT_OF_RANGE;
                scheduler.schedule(() -> {
                    if (outOfRange) {
                        polling.remove(partition);
                        assign(new GroupAssignment(memberId, generation, new int[] {partition}));
                    } else {
                        fetch(partition, offset);
                    }
                }, outOfRange ? 0 : RETRY_MS, TimeUnit.MILLISECONDS);
                return;
            }
            long next = offset;
            try (resp) {
                next = scanner.scan(resp.records(), offset);
            } catch (RuntimeException e) {
                failed("decode", e);
            }
            fetch(partition, next);
        });
    }

    private void failed(String what, Throwable err) {
        if (!closed) {
            final Throwable c = err.getCause() == null ? err : err.getCause();
            errors.error("watch-" + what, "metrics.inbound watcher " + what + " failed: " + c, null);
        }
    }

    /** Records seen. */
    public long records() {
        return scanner.records();
    }

    /** Samples handed to the listener. */
    public long samples() {
        return scanner.samples();
    }

    /** The partitions currently assigned. */
    public Set<Integer> assigned() {
        return assigned;
    }

    @Override
    public void close() {
        closed = true;
        if (!memberId.isEmpty()) {
            client.leaveGroup(new GroupRequests.Leave(group, memberId));
        }
        client.close();
    }
}
