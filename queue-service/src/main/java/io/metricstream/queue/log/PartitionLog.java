package io.metricstream.queue.log;

import io.metricstream.contracts.record.RecordBatchDescriptor;
import io.metricstream.contracts.record.RecordBatchView;
import io.metricstream.contracts.wire.DecodeStatus;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of one topic-partition: a directory {@code <dataDir>/<topic>-<partition>/} of segments ordered by
 * base offset, the last one active. Appends validate each batch, assign its base offset and roll segments by
 * size, age and index space.
 *
 * <p>Threads: {@link #append}, {@link #applyRetention} and {@link #close} run only on the partition's writer
 * thread. {@link #flushWritten} may run on a flush thread concurrently with appends (it forces bytes already
 * written). {@link #read}, {@link #offsetForTimestamp} and the accessors run on any thread against the
 * immutable prefix below the volatile high watermark.
 *
 * <p>Crash policy: at open the active segment is verified batch by batch and truncated to its last valid batch;
 * indexes are rebuilt as needed (see {@link Segment}); the log start offset is the first segment's base offset.
 */
public final class PartitionLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);
    private static final int RECENT_ENDS = 64;

    private final Path dir;
    private final LogOptions options;
    private final SegmentFiles.ChannelFactory files;
    private final LongSupplier clockMs;
    private final ScheduledExecutorService deleter;
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    // written only by the writer thread
    private final RecordBatchView view = new RecordBatchView();
    private Segment active;
    private volatile LogPosition written;
    private volatile LogPosition highWatermark;
    private volatile long logStartOffset;
    private final SegmentRecovery.Result recovery;
    // Recent high watermarks by offset (direct-mapped on the offset's low bits): a consumer's next fetch starts
    // where its last answer ended, which was the high watermark then, so a fetch at the log end finds its byte
    // position here instead of scanning batch headers from the nearest index entry (one pread each: ~11% of
    // the event loops under one-sample produces). Written only by the thread that publishes the high watermark;
    // entries are immutable records, so racy reads see whole ones. An entry is a fact about bytes below a high
    // watermark, which never change (a failed append truncates only above it; recovery opens a new log), so
    // nothing needs invalidating: read() uses an entry only for a batch below the current high watermark, which
    // retention cannot have deleted, and one left at the end of a segment that rolled since falls through to
    // the next segment.
    private final LogPosition[] recentEnds = new LogPosition[RECENT_ENDS];

    private PartitionLog(Path dir, LogOptions options, SegmentFiles.ChannelFactory files, LongSupplier clockMs,
                         ScheduledExecutorService deleter, SegmentRecovery.Result recovery) {
        this.dir = dir;
        this.options = options;
        this.files = files;
        this.clockMs = clockMs;
        this.deleter = deleter;
        this.recovery = recovery;
    }

    /**
     * Opens (or creates) the log in {@code dir}, recovering the active segment. {@code deleter} delays file
     * deletion by {@code options.deleteDelayMs()} ({@code null} deletes at once).
     */
    public static PartitionLog open(final Path dir, final LogOptions options, final SegmentFiles.ChannelFactory files,
                                    final LongSupplier clockMs, final ScheduledExecutorService deleter)
        throws IOException {
        Files.createDirectories(dir);
        final List<Long> bases = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            list.forEach(p -> {
                final long base = SegmentFiles.baseOffsetOf(p.getFileName().toString());
                if (base >= 0) {
                    bases.add(base);
                }
            });
        }
        bases.sort(Long::compare);
        final long now = clockMs.getAsLong();
        final SegmentRecovery.Result[] outcome = new SegmentRecovery.Result[1];
        final List<Segment> opened = new ArrayList<>();
        try {
            for (int i = 0; i < bases.size() - 1; i++) {
                opened.add(Segment.openClosed(dir, bases.get(i), bases.get(i + 1), options, files, now));
            }
            if (bases.isEmpty()) {
                opened.add(Segment.create(dir, 0, options, files, now));
                syncDirectory(dir);
            } else {
                opened.add(Segment.recoverActive(dir, bases.getLast(), options, files, now, outcome));
            }
        } catch (IOException | RuntimeException e) {
            for (final Segment s : opened) {
                s.close();
            }
            throw e;
        }
        final PartitionLog log = new PartitionLog(dir, options, files, clockMs, deleter, outcome[0]);
        for (final Segment s : opened) {
            log.segments.put(s.baseOffset(), s);
        }
        log.active = opened.getLast();
        log.logStartOffset = opened.getFirst().baseOffset();
        final LogPosition end = new LogPosition(log.active.nextOffset(), log.active, log.active.sizeBytes());
        log.written = end;
        log.highWatermark = end;
        if (outcome[0] != null && outcome[0].invalidBytes() > 0) {
            LOG.warn("truncated torn tail: dir={} segment={} validBytes={} droppedBytes={} reason={}",
                dir.getFileName(), log.active.logPath().getFileName(), outcome[0].validBytes(),
                outcome[0].invalidBytes(), outcome[0].stop());
        }
        return log;
    }

    /**
     * Validates one produced batch ({@code length} bytes at {@code at}), patches its base offset and appends it.
     * On IOException nothing of the batch remains in the file and the log is unchanged.
     */
    public AppendStatus append(final ByteBuf buf, final int at, final int length) throws IOException {
        if (length > options.maxBatchBytes()) {
            return AppendStatus.TOO_LARGE;
        }
        final DecodeStatus status = view.wrap(buf, at).check(length, options.maxBatchBytes());
        if (status != DecodeStatus.OK || view.totalLength() != length) {
            return status == DecodeStatus.BAD_LENGTH && length > 4
                && buf.getInt(at) + 4L > options.maxBatchBytes() ? AppendStatus.TOO_LARGE : AppendStatus.CORRUPT;
        }
        final long now = clockMs.getAsLong();
        if (active.shouldRoll(length, now)) {
            roll(now);
        }
        final long base = active.nextOffset();
        RecordBatchDescriptor.setBaseOffset(buf, at, base);
        active.append(buf, at, length, base, view.recordCount(), view.maxTimestampMs(), now);
        written = new LogPosition(active.nextOffset(), active, active.sizeBytes());
        return AppendStatus.OK;
    }

    /** Base offset of the last appended batch (writer thread, after {@link AppendStatus#OK}). */
    public long lastBaseOffset() {
        return view.baseOffset();
    }

    /** Records in the last appended batch (writer thread, after {@link AppendStatus#OK}). */
    public int lastRecordCount() {
        return view.recordCount();
    }

    private void roll(final long now) throws IOException {
        final Segment old = active;
        old.roll();
        final Segment next = Segment.create(dir, old.nextOffset(), options, files, now);
        segments.put(next.baseOffset(), next);
        active = next;
        syncDirectory(dir);
    }

    /** Rolls the active segment now when it is not empty (tests, admin). */
    public void rollNow() throws IOException {
        if (active.sizeBytes() > 0) {
            roll(clockMs.getAsLong());
        }
    }

    /**
     * Forces everything written so far to the device and returns the position it covers (any thread; appends
     * may continue meanwhile). Segments before the active one were forced when they rolled.
     */
    public LogPosition flushWritten() throws IOException {
        final LogPosition w = written;
        try {
            w.segment().flush();
        } catch (ClosedChannelException e) {
            if (segments.containsKey(w.segment().baseOffset())) {
                throw e;
            }
        }
        return w;
    }

    /** The written (not necessarily durable) end. */
    public LogPosition written() {
        return written;
    }

    /** Publishes {@code position} as the high watermark when it is ahead of the current one. */
    public void publishHighWatermark(final LogPosition position) {
        if (position.offset() > highWatermark.offset()) {
            recentEnds[recentEndSlot(position.offset())] = position;
            highWatermark = position;
        }
    }

    /** Offset after the last readable record. */
    public long highWatermark() {
        return highWatermark.offset();
    }

    /** First retained offset. */
    public long logStartOffset() {
        return logStartOffset;
    }

    /** Offset the next batch gets (writer thread; elsewhere a recent value). */
    public long logEndOffset() {
        return written.offset();
    }

    /**
     * Whole batches from the one containing {@code fetchOffset}, up to {@code maxBytes} (at least one batch), below
     * the high watermark. Empty when {@code fetchOffset} is at the high watermark or outside the log (the caller
     * checks the range first for its error answer).
     */
    public FetchSlice read(final long fetchOffset, final int maxBytes) throws IOException {
        final LogPosition hw = highWatermark;
        final long start = logStartOffset;
        if (fetchOffset >= hw.offset() || fetchOffset < start) {
            return new FetchSlice(null, 0, 0, hw.offset(), start);
        }
        final LogPosition known = recentEnds[recentEndSlot(fetchOffset)];
        // no retention check needed: fetchOffset >= start, so a known batch at or after it lies in a kept segment
        if (known != null && known.offset() == fetchOffset) {
            final Segment s = known.segment();
            final int limit = s == hw.segment() ? hw.position() : s.sizeBytes();
            if (known.position() < limit) {
                final int end = s.endOfBatches(known.position(), maxBytes, limit);
                return new FetchSlice(s, known.position(), end - known.position(), hw.offset(), start);
            }
            // at the end of a segment that rolled since: the batch starts the next segment (found below)
        }
        Map.Entry<Long, Segment> e = segments.floorEntry(fetchOffset);
        while (e != null && e.getKey() <= hw.segment().baseOffset()) {
            final Segment s = e.getValue();
            final int limit = s == hw.segment() ? hw.position() : s.sizeBytes();
            final int position = s.positionOf(fetchOffset, limit);
            if (position < limit) {
                final int end = s.endOfBatches(position, maxBytes, limit);
                return new FetchSlice(s, position, end - position, hw.offset(), start);
            }
            e = segments.higherEntry(e.getKey());
        }
        return new FetchSlice(null, 0, 0, hw.offset(), start);
    }

    private static int recentEndSlot(final long offset) {
        return (int) offset & (RECENT_ENDS - 1);
    }

    /**
     * The first offset whose record timestamp is {@code >= timestampMs} below the high watermark: writes
     * {offset, timestampMs} into {@code out}; {high watermark, -1} when none is.
     */
    public void offsetForTimestamp(final long timestampMs, final long[] out) throws IOException {
        final LogPosition hw = highWatermark;
        for (final Segment s : segments.values()) {
            if (s.baseOffset() > hw.segment().baseOffset()) {
                break;
            }
            if (s.maxTimestampMs() < timestampMs) {
                continue;
            }
            final int limit = s == hw.segment() ? hw.position() : s.sizeBytes();
            if (s.findTimestamp(timestampMs, limit, out) && out[0] < hw.offset()) {
                return;
            }
        }
        out[0] = hw.offset();
        out[1] = -1;
    }

    /**
     * Deletes whole closed segments beyond the size limit or older than the age limit (by the time of their last
     * append, as Kafka's LogAppendTime: record timestamps are sample times) and advances the log start offset.
     * Returns the number of segments deleted. Writer thread.
     */
    public int applyRetention(final long nowMs) {
        int deleted = 0;
        long total = totalBytes();
        while (segments.size() > 1) {
            final Segment oldest = segments.firstEntry().getValue();
            if (oldest == active || oldest == highWatermark.segment()) {
                break;
            }
            final Retention.Reason reason = Retention.check(options, total, oldest.sizeBytes(),
                oldest.lastAppendMs(), nowMs);
            if (reason == Retention.Reason.NONE) {
                break;
            }
            segments.remove(oldest.baseOffset());
            logStartOffset = segments.firstKey();
            total -= oldest.sizeBytes();
            deleteLater(oldest);
            deleted++;
            LOG.info("retention deleted segment={} dir={} reason={} logStartOffset={}",
                oldest.logPath().getFileName(), dir.getFileName(), reason, logStartOffset);
        }
        return deleted;
    }

    private void deleteLater(final Segment segment) {
        final Runnable delete = () -> {
            try {
                segment.delete();
            } catch (IOException e) {
                LOG.warn("cannot delete segment {}: {}", segment.logPath(), e.toString());
            }
        };
        if (deleter == null || options.deleteDelayMs() <= 0) {
            delete.run();
        } else {
            deleter.schedule(delete, options.deleteDelayMs(), TimeUnit.MILLISECONDS);
        }
    }

    /** Bytes of all segments. */
    public long totalBytes() {
        long total = 0;
        for (final Segment s : segments.values()) {
            total += s.sizeBytes();
        }
        return total;
    }

    /** The segments, oldest first (a snapshot). */
    public List<Segment> segments() {
        return new ArrayList<>(segments.values());
    }

    /** The directory. */
    public Path dir() {
        return dir;
    }

    /** What recovery found in the active segment at open ({@code null} for a new log). */
    public SegmentRecovery.Result recovery() {
        return recovery;
    }

    /** Forces and closes every segment. Writer thread, after the last append. */
    @Override
    public void close() throws IOException {
        IOException first = null;
        try {
            active.flush();
        } catch (IOException e) {
            first = e;
        }
        for (final Segment s : segments.values()) {
            try {
                s.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Forces a directory entry change (new segment file) to the device. */
    static void syncDirectory(final Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            LOG.debug("cannot fsync directory {}: {}", dir, e.toString());
        }
    }
}
