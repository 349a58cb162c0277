package io.metricstream.runtime.lifecycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS lock on {@code <data dir>/lock}, held while a service owns the directory. The OS drops it when
 * the process dies, kill -9 included, so a stale lock file never blocks a restart.
 */
final class DataDirLock implements AutoCloseable {
    static final String FILE_NAME = "lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code dir}; fails naming the directory when another process (or host in this JVM) holds it. */
    static DataDirLock acquire(Path dir) {
        final Path file = dir.resolve(FILE_NAME);
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            final FileLock l = ch.tryLock();
            if (l == null) {
                throw inUse(dir, file);
            }
            return new DataDirLock(ch, l);
        } catch (OverlappingFileLockException e) {
            closeQuietly(ch);
            throw inUse(dir, file);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("cannot lock data directory " + dir + " (" + file + ")", e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static IllegalStateException inUse(Path dir, Path file) {
        return new IllegalStateException("data directory " + dir + " is in use by another MetricStream process ("
            + file + " is locked): stop that process or choose another --data-dir");
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the lock attempt already failed; nothing else to release
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release data directory lock", e);
        }
    }
}
