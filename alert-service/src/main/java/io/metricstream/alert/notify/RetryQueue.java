package io.metricstream.alert.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metricstream.alert.state.Persister;
import io.metricstream.runtime.logging.DistinctErrorLog;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * The durable outbox: every {@link Delivery} is written to {@code <dir>/<seq>.json} (fsync, through the FIFO
 * {@link Persister}, concurrently with the first attempt) and deleted once a receiver answers 2xx. The
 * notification log entry of the same flush is persisted after the file (FIFO), so a crash before the file is
 * durable also loses the log entry and the restarted service notifies again. So delivery is at-least-once
 * across receiver outages and restarts, and an acknowledged delivery is never sent again (except when the
 * process dies between the 2xx and the durable delete). Failures (connection errors, 5xx, 429, timeouts) retry
 * with exponential back-off ({@code initialBackoffMs} doubling to {@code maxBackoffMs}); other 4xx answers are
 * permanent and dropped;
 * a delivery older than {@code maxAgeMs} is dropped. Deliveries to different receivers are independent.
 * Thread-safety: {@link #enqueue} and {@link #recover} run on the engine executor; completions hop back to it.
 */
public final class RetryQueue implements AutoCloseable {
    private final Path dir;
    private final Persister persister;
    private final HttpClient http;
    private final ScheduledExecutorService engine;
    private final long timeoutMs;
    private final long initialBackoffMs;
    private final long maxBackoffMs;
    private final long maxAgeMs;
    private final AtomicLong sequence = new AtomicLong();
    private final DistinctErrorLog errors = new DistinctErrorLog(LoggerFactory.getLogger(RetryQueue.class),
        Duration.ofSeconds(10));
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong pending = new AtomicLong();
    private volatile boolean closed;

    /** One queued delivery: its file, payload, creation time and attempts so far (engine thread only). */
    private static final class Entry {
        final Path file;
        final Delivery delivery;
        final long createdMs;
        int attempts;

        Entry(Path file, Delivery delivery, long createdMs) {
            this.file = file;
            this.delivery = delivery;
            this.createdMs = createdMs;
        }
    }

    /** An outbox in {@code dir} sending with {@code http}, scheduling on {@code engine}. */
    public RetryQueue(Path dir, Persister persister, HttpClient http, ScheduledExecutorService engine,
                      long timeoutMs, long initialBackoffMs, long maxBackoffMs, long maxAgeMs) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.persister = persister;
        this.http = http;
        this.engine = engine;
        this.timeoutMs = timeoutMs;
        this.initialBackoffMs = initialBackoffMs;
        this.maxBackoffMs = maxBackoffMs;
        this.maxAgeMs = maxAgeMs;
    }

    /** Re-queues every delivery left on disk by a previous run; returns how many. */
    public int recover() throws IOException {
        final TreeMap<Long, Path> files = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
            for (Path p : ds) {
                final String n = p.getFileName().toString();
                try {
                    files.put(Long.parseLong(n.substring(0, n.length() - 5)), p);
                } catch (NumberFormatException e) {
                    errors.error("outbox-name", "ignoring unexpected outbox file " + p, null);
                }
            }
        }
        final long now = System.currentTimeMillis();
        final List<Entry> entries = new ArrayList<>();
        for (var e : files.entrySet()) {
            sequence.set(Math.max(sequence.get(), e.getKey()));
            try {
                final JsonNode o = Json.MAPPER.readTree(e.getValue().toFile());
                final Delivery d = new Delivery(o.path("integration").asText(), o.path("url").asText(),
                    o.path("contentType").asText("application/json"),
                    o.path("body").asText().getBytes(StandardCharsets.UTF_8));
                entries.add(new Entry(e.getValue(), d, o.path("createdMs").asLong(now)));
            } catch (IOException ex) {
                // a torn file cannot exist (atomic write); an unreadable one is moved aside, not retried forever
                errors.error("outbox-read", "cannot read outbox file " + e.getValue() + ": " + ex.getMessage(), null);
                Files.move(e.getValue(), e.getValue().resolveSibling(e.getValue().getFileName() + ".bad"));
            }
        }
        for (Entry en : entries) {
            pending.incrementAndGet();
            attempt(en);
        }
        return entries.size();
    }

    /** Persists {@code d} then sends it. */
    public void enqueue(Delivery d, long nowMs) throws IOException {
        final long seq = sequence.incrementAndGet();
        final Path file = dir.resolve(String.format(java.util.Locale.ROOT, "%020d.json", seq));
        final ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("integration", d.integration());
        o.put("url", d.url());
        o.put("contentType", d.contentType());
        o.put("createdMs", nowMs);
        o.put("body", new String(d.body(), StandardCharsets.UTF_8));
        persister.write(file, Json.bytes(o));
        pending.incrementAndGet();
        attempt(new Entry(file, d, nowMs));
    }

    private void attempt(Entry e) {
        if (closed) {
            return;
        }
        e.attempts++;
        final HttpRequest req;
        try {
            req = HttpRequest.newBuilder(URI.create(e.delivery.url())).timeout(Duration.ofMillis(timeoutMs))
                .header("Content-Type", e.delivery.contentType()).header("User-Agent", "MetricStream-Alert/0.1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(e.delivery.body())).build();
        } catch (IllegalArgumentException ex) {
            finish(e, false, "bad url " + e.delivery.url());
            return;
        }
        http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenCompleteAsync((resp, err) -> {
            if (err == null && resp.statusCode() / 100 == 2) {
                finish(e, true, null);
            } else if (err == null && resp.statusCode() / 100 == 4 && resp.statusCode() != 429
                && resp.statusCode() != 408) {
                finish(e, false, "receiver answered " + resp.statusCode());
            } else {
                retry(e, err != null ? String.valueOf(err.getCause() == null ? err : err.getCause())
                    : "receiver answered " + resp.statusCode());
            }
        }, engine);
    }

    private void retry(Entry e, String why) {
        failedAttempts.incrementAndGet();
        errors.error("deliver-" + e.delivery.integration(), "notification to " + e.delivery.integration()
            + " failed (attempt " + e.attempts + "): " + why + "; retrying", null);
        if (System.currentTimeMillis() - e.createdMs > maxAgeMs) {
            finish(e, false, "gave up after " + e.attempts + " attempts");
            return;
        }
        final long backoff = Math.min(maxBackoffMs, initialBackoffMs << Math.min(20, e.attempts - 1));
        if (!closed) {
            engine.schedule(() -> attempt(e), backoff, TimeUnit.MILLISECONDS);
        }
    }

    private void finish(Entry e, boolean ok, String why) {
        if (ok) {
            delivered.incrementAndGet();
        } else {
            dropped.incrementAndGet();
            errors.error("drop-" + e.delivery.integration(), "notification to " + e.delivery.integration()
                + " dropped: " + why, null);
        }
        pending.decrementAndGet();
        persister.delete(e.file);
    }

    /** Deliveries acknowledged with 2xx. */
    public long delivered() {
        return delivered.get();
    }

    /** Failed attempts (each retried). */
    public long failedAttempts() {
        return failedAttempts.get();
    }

    /** Deliveries dropped (permanent 4xx, too old). */
    public long dropped() {
        return dropped.get();
    }

    /** Deliveries not yet acknowledged. */
    public long pending() {
        return pending.get();
    }

    @Override
    public void close() {
        closed = true;
    }
}
