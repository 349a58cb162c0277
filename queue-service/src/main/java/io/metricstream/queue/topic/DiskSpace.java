package io.metricstream.queue.topic;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Free-space guard for appends: the usable bytes of the data directory's file store, re-read at most every
 * {@code refreshMs} and decremented by bytes appended in between, so the check costs no syscall per batch.
 * Thread-safe (a stale read only delays the refusal by one refresh).
 */
public final class DiskSpace {
    private final FileStore store;
    private final long minFreeBytes;
    private final long refreshNs;
    private volatile long usableBytes;
    private volatile long readAtNs;

    /** A guard on the store of {@code dir}; {@code minFreeBytes} &lt;= 0 disables it. */
    public DiskSpace(final Path dir, final long minFreeBytes, final long refreshMs) throws IOException {
        this.store = Files.getFileStore(dir);
        this.minFreeBytes = minFreeBytes;
        this.refreshNs = refreshMs * 1_000_000L;
        refresh(System.nanoTime());
    }

    private void refresh(final long now) {
        try {
            usableBytes = store.getUsableSpace();
        } catch (IOException e) {
            usableBytes = Long.MAX_VALUE;
        }
        readAtNs = now;
    }

    /** Whether {@code bytes} more may be written while keeping the minimum free. */
    public boolean allows(final int bytes) {
        if (minFreeBytes <= 0) {
            return true;
        }
        final long now = System.nanoTime();
        if (now - readAtNs > refreshNs) {
            refresh(now);
        }
        if (usableBytes - bytes < minFreeBytes) {
            return false;
        }
        usableBytes -= bytes;
        return true;
    }

    /** The last usable-bytes reading. */
    public long usableBytes() {
        return usableBytes;
    }

    /** The configured minimum. */
    public long minFreeBytes() {
        return minFreeBytes;
    }
}
