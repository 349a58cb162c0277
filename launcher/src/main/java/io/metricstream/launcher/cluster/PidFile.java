package io.metricstream.launcher.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code <data-dir>/<instance>.pid}: one line {@code "<pid> <start epoch ms>"}. The start time guards against pid
 * reuse: a live process with the same pid but another start time is not ours. Written atomically (temp file +
 * rename), so a reader never sees half a line.
 *
 * @param pid         the process id
 * @param startMillis the process start time in epoch ms, or 0 when the OS did not report it
 */
public record PidFile(long pid, long startMillis) {
    /** Start times within this distance are the same process (the OS reports them with jiffy precision). */
    static final long START_TOLERANCE_MS = 1_000;

    /** The pid file of {@code handle}. */
    public static PidFile of(ProcessHandle handle) {
        return new PidFile(handle.pid(), handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
    }

    /** Writes this pid file to {@code file} atomically. */
    public void write(Path file) {
        final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, pid + " " + startMillis + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write pid file " + file, e);
        }
    }

    /** The pid file at {@code file}; empty when it is absent or does not hold "pid start". */
    public static Optional<PidFile> read(Path file) {
        final String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return Optional.empty();
        }
        final String[] parts = text.split(" ");
        if (parts.length != 2) {
            return Optional.empty();
        }
        try {
            return Optional.of(new PidFile(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The live process this file names; empty when it is gone or its pid now belongs to another process. */
    public Optional<ProcessHandle> liveProcess() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> {
            final long start = h.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
            return startMillis == 0 || start == 0 || Math.abs(start - startMillis) <= START_TOLERANCE_MS;
        });
    }
}
