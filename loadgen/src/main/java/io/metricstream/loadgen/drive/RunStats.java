package io.metricstream.loadgen.drive;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one stage, updated from transport threads: requests per status (0 = no answer), samples sent and
 * acknowledged (2xx), bytes sent, and the first few failure reasons per status. Thread-safe.
 */
public final class RunStats {
    private static final int MAX_REASONS_PER_STATUS = 3;

    private final Map<Integer, LongAdder> requestsByStatus = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> samplesByStatus = new ConcurrentHashMap<>();
    private final Map<Integer, java.util.List<String>> reasons = new ConcurrentHashMap<>();
    private final LongAdder samplesSent = new LongAdder();
    private final LongAdder samplesAcked = new LongAdder();
    private final LongAdder requestsAcked = new LongAdder();
    private final LongAdder requestsFailed = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder unsent = new LongAdder();

    /** Counts one answered (or failed) request. */
    public void onOutcome(final int status, final int samples, final long bytes, final String reason) {
        requestsByStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
        samplesByStatus.computeIfAbsent(status, s -> new LongAdder()).add(samples);
        samplesSent.add(samples);
        bytesSent.add(bytes);
        if (status >= 200 && status < 300) {
            requestsAcked.increment();
            samplesAcked.add(samples);
        } else {
            requestsFailed.increment();
            if (reason != null) {
                final java.util.List<String> list = reasons.computeIfAbsent(status,
                    s -> java.util.Collections.synchronizedList(new java.util.ArrayList<>()));
                synchronized (list) {
                    if (list.size() < MAX_REASONS_PER_STATUS && !list.contains(reason)) {
                        list.add(reason);
                    }
                }
            }
        }
    }

    /** Counts requests that were due but never sent before the drain deadline. */
    public void onUnsent(final long requests) {
        unsent.add(requests);
    }

    /** Requests per status, sorted by status (0 = no answer). */
    public Map<Integer, Long> requestsByStatus() {
        final Map<Integer, Long> m = new TreeMap<>();
        requestsByStatus.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    /** Samples per status of the request that carried them. */
    public Map<Integer, Long> samplesByStatus() {
        final Map<Integer, Long> m = new TreeMap<>();
        samplesByStatus.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    /** First failure reasons per status. */
    public Map<Integer, java.util.List<String>> reasons() {
        final Map<Integer, java.util.List<String>> m = new TreeMap<>();
        reasons.forEach((k, v) -> {
            synchronized (v) {
                m.put(k, java.util.List.copyOf(v));
            }
        });
        return m;
    }

    /** Samples in answered or failed requests. */
    public long samplesSent() {
        return samplesSent.sum();
    }

    /** Samples in 2xx requests. */
    public long samplesAcked() {
        return samplesAcked.sum();
    }

    /** Requests answered 2xx. */
    public long requestsAcked() {
        return requestsAcked.sum();
    }

    /** Requests not answered 2xx. */
    public long requestsFailed() {
        return requestsFailed.sum();
    }

    /** Requests due but never sent. */
    public long unsent() {
        return unsent.sum();
    }

    /** Payload bytes sent. */
    public long bytesSent() {
        return bytesSent.sum();
    }
}
