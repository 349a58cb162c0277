package io.metricstream.alert.state;

import io.metricstream.runtime.logging.DistinctErrorLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Writes files off the engine thread, in submission order (FIFO), each write atomic and fsynced
 * ({@link AtomicFiles}). A write superseded by a later write of the same path before it ran is skipped (the later
 * one, queued behind it, carries the newer bytes), so order between different files is kept: an outbox file
 * submitted before a notification-log update is durable before it.
 * Design note: fsync costs ~10 ms here; doing it on the engine thread put it on the detection path.
 * {@link #synchronous()} writes in the caller's thread (tests, tools).
 */
public final class Persister implements AutoCloseable {
    private final ExecutorService thread;
    private final Map<Path, Object> latest = new ConcurrentHashMap<>();
    private final DistinctErrorLog errors = new DistinctErrorLog(LoggerFactory.getLogger(Persister.class),
        Duration.ofSeconds(30));

    private Persister(ExecutorService thread) {
        this.thread = thread;
    }

    /** A persister writing in the caller's thread. */
    public static Persister synchronous() {
        return new Persister(null);
    }

    /** A persister with its own daemon thread {@code name}. */
    public static Persister background(String name) {
        return new Persister(Executors.newSingleThreadExecutor(r -> {
            final Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        }));
    }

    /** Replaces {@code path} with {@code bytes} (atomic, fsynced), after every earlier submission. */
    public void write(Path path, byte[] bytes) {
        final Object token = bytes;
        latest.put(path, token);
        run(() -> {
            if (latest.get(path) != token) {
                return;
            }
            try {
                AtomicFiles.write(path, bytes);
            } catch (IOException e) {
                errors.error("write-" + path.getFileName(), "cannot write " + path + ": " + e.getMessage(), null);
            }
            latest.remove(path, token);
        });
    }

    /** Deletes {@code path}, after every earlier submission. */
    public void delete(Path path) {
        final Object token = new Object();
        latest.put(path, token);
        run(() -> {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                errors.error("delete-" + path.getFileName(), "cannot delete " + path + ": " + e.getMessage(), null);
            }
            latest.remove(path, token);
        });
    }

    private void run(Runnable r) {
        if (thread == null) {
            r.run();
        } else {
            thread.execute(r);
        }
    }

    /** Waits until everything submitted so far is on disk (at most {@code timeoutMs}). */
    public void drain(long timeoutMs) {
        if (thread == null) {
            return;
        }
        try {
            thread.submit(() -> { }).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            errors.error("drain", "persister did not drain in " + timeoutMs + "ms", null);
        }
    }

    @Override
    public void close() {
        if (thread != null) {
            drain(5_000);
            thread.shutdown();
        }
    }
}
