package io.metricstream.storage.db;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.storage.block.Block;
import io.metricstream.storage.block.BlockMeta;
import io.metricstream.storage.block.BlockWriter;
import io.metricstream.storage.block.Compactor;
import io.metricstream.storage.block.Retention;
import io.metricstream.storage.head.Head;
import io.metricstream.storage.head.HeadCheckpoint;
import io.metricstream.storage.head.HeadChunk;
import io.metricstream.storage.head.HeadMetrics;
import io.metricstream.storage.head.HeadReaders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database of one storage instance: the head, the blocks under {@code blocks/}, the tombstones and the head
 * checkpoint, in one data directory. Head mutations (append, flush, checkpoint, tombstone cleaning) run on ONE
 * thread, the ingest thread. Compaction and retention only touch blocks: {@link #compactInBackground} runs them on
 * the {@code storage-compact} thread (one, low priority), so re-encoding merged blocks never delays the apply loop;
 * {@link #compact} and {@link #applyRetention} run them on the caller. Queries read concurrently: the block list is
 * an immutable snapshot replaced (under {@code blocksLock}) on change, a compaction's output replaces its inputs in
 * one replacement, and a block is made visible before the head drops the chunks it holds.
 *
 * <p>Design note: compaction and retention read a snapshot of the block list and merge outside any lock the ingest
 * thread takes; only tombstone cleaning, which rewrites blocks too, waits for them ({@code maintenanceLock}), so a
 * block is never merged and rewritten at the same time. Flushes add blocks while a merge runs; the swap removes
 * exactly the merged inputs from the list current at that moment. Crash safety is unchanged: a merged block lists
 * its sources and is renamed into place whole, and queue offsets never depend on compaction (flushed blocks and
 * the head checkpoint hold the data), so a kill -9 mid-merge leaves either the inputs or the merged block.
 *
 * <p>A block taken out of the list has its directory deleted at once (crash safety as before), but its files stay
 * mapped, and so on disk, until no query can read it: {@link RetiredBlocks} unmaps it once the queries that could
 * have taken a list holding it have exited, checked after each retirement, every maintenance cycle and at close.
 * Size retention counts those files too.
 *
 * <p>Recovery on open: delete {@code *.tmp} block directories (unfinished writes), delete blocks whose sources are
 * covered by another block (a compaction that finished but did not yet delete its inputs), open the rest, load the
 * tombstones, then the head checkpoint; the caller replays the queue from the checkpoint's offsets.
 */
public final class TimeSeriesDb implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TimeSeriesDb.class);
    private final Path dir;
    private final Path blocksDir;
    private final DbOptions options;
    private final Head head;
    private final Tombstones tombstones;
    // deleted blocks still mapped until their readers exit
    private final RetiredBlocks retired;
    // replaced (never mutated) under blocksLock, by the ingest or the compaction thread; read by anyone
    private volatile List<Block> blocks = List.of();
    private final Object blocksLock = new Object();
    // held by compaction + retention and by tombstone cleaning: they rewrite blocks and must not interleave
    private final ReentrantLock maintenanceLock = new ReentrantLock();
    // the storage-compact thread (created on first use), at most one pass queued behind the running one
    private ExecutorService compactions;
    private final AtomicBoolean compactionQueued = new AtomicBoolean();
    // guarded by this
    private Future<?> queuedPass;
    private final AtomicLong compactionPasses = new AtomicLong();
    private volatile boolean closed;
    // guarded by blocksLock
    private String lastName = "";
    // written once by open
    private Map<Integer, Long> recoveredOffsets = Map.of();
    // ingest thread: the tombstones generation collectDeleted last applied to the head (-1: none yet)
    private long collectedGeneration = -1;
    // opens the checkpoint file; set by tests (fault injection) from any thread
    private volatile HeadCheckpoint.FileOpener checkpointOpener = HeadCheckpoint.FileOpener.DEFAULT;

    private TimeSeriesDb(final Path dir, final DbOptions options, final HeadMetrics metrics,
                         final HeadReaders readers) {
        this.dir = dir;
        this.blocksDir = dir.resolve("blocks");
        this.options = options;
        this.head = new Head(options.head(), metrics, readers);
        this.tombstones = new Tombstones(dir);
        this.retired = new RetiredBlocks(readers);
    }

    /** Opens (recovering) the database in {@code dir}. */
    public static TimeSeriesDb open(final Path dir, final DbOptions options, final HeadMetrics metrics)
        throws IOException {
        return open(dir, options, metrics, new HeadReaders());
    }

    /** Opens {@code dir} with flushes waiting for earlier queries as {@code readers} says (tests: a short bound). */
    public static TimeSeriesDb open(final Path dir, final DbOptions options, final HeadMetrics metrics,
                                    final HeadReaders readers) throws IOException {
        final TimeSeriesDb db = new TimeSeriesDb(dir, options, metrics, readers);
        db.recover();
        return db;
    }

    private void recover() throws IOException {
        Files.createDirectories(blocksDir);
        final List<Block> opened = new ArrayList<>();
        try (Stream<Path> entries = Files.list(blocksDir)) {
            for (final Path p : entries.sorted().toList()) {
                if (p.getFileName().toString().endsWith(".tmp")) {
                    LOG.warn("deleting unfinished block write {}", p);
                    deleteRecursively(p);
                } else if (Files.isDirectory(p) && !Files.exists(p.resolve(BlockMeta.FILE))) {
                    // blocks are written with meta.json and renamed whole, so this is a delete a crash interrupted
                    // (before deletes went through a rename): its samples are in a compacted block or expired
                    LOG.warn("deleting block directory without {} (an interrupted delete) {}", BlockMeta.FILE, p);
                    deleteRecursively(p);
                } else if (Files.isDirectory(p)) {
                    opened.add(Block.open(p));
                }
            }
        }
        final List<Block> kept = new ArrayList<>();
        for (final Block b : opened) {
            if (coveredByAnother(b, opened)) {
                LOG.warn("deleting block {}: its sources are covered by a compacted block", b.meta().name());
                // never listed, so no query holds it
                b.close();
                deleteBlock(b.dir());
            } else {
                kept.add(b);
            }
            lastName = b.meta().name().compareTo(lastName) > 0 ? b.meta().name() : lastName;
        }
        kept.sort(Comparator.comparing(b -> b.meta().name()));
        blocks = List.copyOf(kept);
        tombstones.load();
        recoveredOffsets = HeadCheckpoint.read(dir, head);
        Files.deleteIfExists(dir.resolve(HeadCheckpoint.FILE + ".tmp"));
    }

    private static boolean coveredByAnother(final Block b, final List<Block> all) {
        final Set<String> mine = new HashSet<>(b.meta().sources());
        for (final Block o : all) {
            if (o != b && o.meta().sources().size() > mine.size() && o.meta().sources().containsAll(mine)) {
                return true;
            }
        }
        return false;
    }

    /** The head. */
    public Head head() {
        return head;
    }

    /** The open blocks, oldest name first (an immutable snapshot). */
    public List<Block> blocks() {
        return blocks;
    }

    /** The tombstones. */
    public Tombstones tombstones() {
        return tombstones;
    }

    /** The options. */
    public DbOptions options() {
        return options;
    }

    /** The data directory. */
    public Path dir() {
        return dir;
    }

    /** Partition offsets the head checkpoint covered at open (empty when there was none). */
    public Map<Integer, Long> recoveredOffsets() {
        return recoveredOffsets;
    }

    /** Newest sample timestamp in blocks or head (Long.MIN_VALUE when empty). */
    public long newestMs() {
        long newest = head.maxTimeMs();
        for (final Block b : blocks) {
            newest = Math.max(newest, b.meta().maxTimeMs());
        }
        return newest;
    }

    /**
     * Bytes of all blocks on disk: the listed ones and those deleted but still mapped for queries reading them
     * ({@link #retiredBlockBytes}), whose space is not free yet.
     */
    public long blockBytes() {
        long total = retired.bytes();
        for (final Block b : blocks) {
            total += b.sizeBytes();
        }
        return total;
    }

    /** Bytes of the blocks deleted from the list but still mapped, since a query may read them. */
    public long retiredBlockBytes() {
        return retired.bytes();
    }

    /** Blocks deleted from the list but still mapped, since a query may read them. */
    public int retiredBlocks() {
        return retired.size();
    }

    /**
     * Flushes what the head holds before its flush boundary, runs the head GC of deleted series
     * ({@link #collectDeleted}) and unmaps the deleted blocks no query reads any more ({@link #releaseRetired});
     * returns the blocks written. The consumer calls it every maintenance cycle, with or without new data. Ingest
     * thread.
     */
    public int flushIfDue() throws IOException {
        final int flushed = flush(head.flushBoundaryMs());
        collectDeleted();
        releaseRetired();
        return flushed;
    }

    /**
     * Unmaps the blocks deleted from the list whose readers have all exited, which frees their disk space; never
     * waits for a reader. Returns how many. Any thread.
     */
    public int releaseRetired() {
        return retired.release();
    }

    /**
     * Drops the head samples the tombstones delete and removes the series left with none from the head, so a series
     * deleted over its whole head range stops counting against the series limit by the next maintenance cycle, with
     * or without new data (Prometheus removes such series at its next head GC). Runs only when the tombstones changed
     * since the last run (or once after open). The tombstones stay until {@code clean_tombstones}: they still hide
     * the series' samples in blocks and any deleted sample replayed later. Returns the series removed. Ingest thread.
     */
    public int collectDeleted() {
        final long generation = tombstones.generation();
        if (generation == collectedGeneration) {
            return 0;
        }
        // the generation read first: an add racing the snapshot makes the next run apply it again, never skip it
        final Map<LabelSet, long[]> deleted = tombstones.snapshot();
        collectedGeneration = generation;
        if (deleted.isEmpty()) {
            return 0;
        }
        final int removed = head.removeDeleted(deleted);
        if (removed > 0) {
            LOG.info("head GC removed {} series whose every head sample is deleted", removed);
        }
        return removed;
    }

    /**
     * Moves every head chunk ending before {@code boundaryMs} into new level-1 blocks (one per block-duration
     * window), makes them visible, then drops them from the head. {@code Long.MAX_VALUE} flushes everything.
     */
    public int flush(final long boundaryMs) throws IOException {
        if (boundaryMs == Long.MIN_VALUE) {
            return 0;
        }
        final List<Head.FlushableSeries> flushable = head.flushable(boundaryMs);
        if (flushable.isEmpty()) {
            return 0;
        }
        final long d = options.head().blockDurationMs();
        final TreeMap<Long, List<BlockWriter.SeriesChunks>> byWindow = new TreeMap<>();
        for (final Head.FlushableSeries s : flushable) {
            final TreeMap<Long, List<HeadChunk>> split = new TreeMap<>();
            for (final HeadChunk c : s.chunks()) {
                split.computeIfAbsent(Math.floorDiv(c.minTimeMs(), d), k -> new ArrayList<>()).add(c);
            }
            split.forEach((w, chunks) -> byWindow.computeIfAbsent(w, k -> new ArrayList<>())
                .add(new BlockWriter.SeriesChunks(s.labels(), chunks)));
        }
        final List<Block> added = new ArrayList<>();
        for (final List<BlockWriter.SeriesChunks> series : byWindow.values()) {
            final BlockMeta meta = BlockWriter.write(blocksDir, nextName(), series, 1, List.of(),
                options.rollupMinSpanMs(), options.maxChunkSegmentBytes());
            if (meta != null) {
                added.add(Block.open(blocksDir.resolve(meta.name())));
            }
        }
        // order: the blocks are visible, the queries that may hold the block list from before are done, and only
        // then does the head drop the chunks (and the series left empty): no query finds the samples in neither
        swap(List.of(), added);
        head.readers().awaitEarlier();
        final int removed = head.dropBefore(boundaryMs);
        LOG.info("flushed {} block(s) from the head before {}; head GC removed {} series", added.size(), boundaryMs,
            removed);
        return added.size();
    }

    /** Writes the head checkpoint covering {@code offsets} (partition → next offset); returns its bytes. */
    public long checkpoint(final Map<Integer, Long> offsets) throws IOException {
        return HeadCheckpoint.write(dir, head, offsets, checkpointOpener);
    }

    /** Opens head checkpoint files through {@code opener} from now on (tests: a fault-injecting channel). */
    public void checkpointOpener(final HeadCheckpoint.FileOpener opener) {
        this.checkpointOpener = opener;
    }

    /**
     * Queues one compaction and retention pass on the {@code storage-compact} thread unless one is already queued
     * (a running pass does not count: it may have planned before the newest flush). Failures are logged, and the
     * next request retries. Any thread; returns the queued pass (tests wait on it), null when the database is
     * closed.
     */
    public synchronized Future<?> compactInBackground() {
        if (closed) {
            return null;
        }
        if (compactions == null) {
            compactions = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
                final Thread t = new Thread(r, "storage-compact");
                t.setDaemon(true);
                t.setPriority(Thread.MIN_PRIORITY);
                return t;
            });
        }
        if (compactionQueued.compareAndSet(false, true)) {
            queuedPass = compactions.submit(this::backgroundPass);
        }
        // still queued, so it plans after this call
        return queuedPass;
    }

    private void backgroundPass() {
        compactionQueued.set(false);
        if (closed) {
            return;
        }
        try {
            compact();
            applyRetention();
        } catch (final IOException | RuntimeException e) {
            LOG.error("background compaction failed (retried after the next flush): {}", e.toString(), e);
        } finally {
            compactionPasses.incrementAndGet();
        }
    }

    /** Background compaction passes finished (with or without merges). */
    public long compactionPasses() {
        return compactionPasses.get();
    }

    /** Runs every compaction the plan asks for on the calling thread; returns how many merges ran. Any thread. */
    public int compact() throws IOException {
        maintenanceLock.lock();
        try {
            return compactLocked();
        } finally {
            maintenanceLock.unlock();
        }
    }

    private int compactLocked() throws IOException {
        int merges = 0;
        List<List<Block>> plan = Compactor.plan(blocks, options.head().blockDurationMs(), options.compactionFactor(),
            options.maxCompactionLevel());
        while (!plan.isEmpty() && merges < 16) {
            final List<Block> group = plan.getFirst();
            final int level = group.stream().mapToInt(b -> b.meta().level()).max().orElse(1) + 1;
            replace(group, Compactor.merge(blocksDir, nextName(), group, level, options.head().maxSamplesPerChunk(),
                tombstones::apply, options.rollupMinSpanMs(), this::mayBeTombstoned, options.maxChunkSegmentBytes()));
            merges++;
            plan = Compactor.plan(blocks, options.head().blockDurationMs(), options.compactionFactor(),
                options.maxCompactionLevel());
        }
        return merges;
    }

    private boolean mayBeTombstoned(final LabelSet series) {
        return tombstones.intervals(series) != null;
    }

    private void replace(final List<Block> old, final BlockMeta written) throws IOException {
        swap(old, written == null ? List.of() : List.of(Block.open(blocksDir.resolve(written.name()))));
        // after the swap: queries entering from now on take a list without them; the earlier ones may read them
        retired.retire(old);
        for (final Block b : old) {
            deleteBlock(b.dir());
        }
        retired.release();
    }

    /** Publishes the current list without {@code old} and with {@code added}, in name order, as one snapshot. */
    private void swap(final List<Block> old, final List<Block> added) {
        synchronized (blocksLock) {
            final List<Block> next = new ArrayList<>(blocks);
            next.removeAll(old);
            next.addAll(added);
            next.sort(Comparator.comparing(b -> b.meta().name()));
            blocks = List.copyOf(next);
        }
    }

    /** Deletes blocks beyond the retention limits; returns how many. Any thread. */
    public int applyRetention() throws IOException {
        maintenanceLock.lock();
        try {
            final List<Block> expired = Retention.expired(blocks, newestMs(), options.retentionMs(),
                options.retentionBytes(), retired.bytes());
            if (!expired.isEmpty()) {
                replace(expired, null);
                LOG.info("retention deleted {} block(s)", expired.size());
            }
            return expired.size();
        } finally {
            maintenanceLock.unlock();
        }
    }

    /**
     * Rewrites blocks and head without the tombstoned samples, checkpoints the head with {@code offsets} (so a crash
     * can never bring deleted samples back from an older checkpoint), then forgets the tombstones. Ingest thread.
     */
    public int cleanTombstones(final Map<Integer, Long> offsets) throws IOException {
        maintenanceLock.lock();
        try {
            return cleanTombstonesLocked(offsets);
        } finally {
            maintenanceLock.unlock();
        }
    }

    private int cleanTombstonesLocked(final Map<Integer, Long> offsets) throws IOException {
        int rewritten = 0;
        for (final Block b : blocks) {
            boolean touched = false;
            for (int id = 0; id < b.index().seriesCount() && !touched; id++) {
                touched = tombstones.intervals(b.index().series(id).labels()) != null;
            }
            if (touched) {
                replace(List.of(b), Compactor.merge(blocksDir, nextName(), List.of(b), b.meta().level(),
                    options.head().maxSamplesPerChunk(), tombstones::apply, options.rollupMinSpanMs(),
                    this::mayBeTombstoned, options.maxChunkSegmentBytes()));
                rewritten++;
            }
        }
        // the head's deleted samples go as in the GC of deleted series (and the series left empty with them)
        head.removeDeleted(tombstones.snapshot());
        checkpoint(offsets);
        tombstones.clear();
        return rewritten;
    }

    /** Records a deletion of [minT, maxT] for {@code series}; any thread. */
    public void delete(final List<LabelSet> series, final long minT, final long maxT) throws IOException {
        tombstones.add(series, minT, maxT);
    }

    /** Block names: 13-digit creation ms, '-', 4-digit sequence; strictly increasing, so name order is age. */
    private String nextName() {
        synchronized (blocksLock) {
            return nextNameLocked();
        }
    }

    private String nextNameLocked() {
        long ms = System.currentTimeMillis();
        int seq = 0;
        if (lastName.length() == 18 && lastName.charAt(13) == '-') {
            try {
                final long lastMs = Long.parseLong(lastName.substring(0, 13));
                final int lastSeq = Integer.parseInt(lastName.substring(14));
                if (ms <= lastMs) {
                    ms = lastSeq < 9999 ? lastMs : lastMs + 1;
                    seq = lastSeq < 9999 ? lastSeq + 1 : 0;
                }
            } catch (final NumberFormatException e) {
                LOG.debug("block name {} is not ours; ignoring it for naming", lastName);
            }
        }
        lastName = String.format(Locale.ROOT, "%013d-%04d", ms, seq);
        return lastName;
    }

    /**
     * Deletes a block directory in a way a crash cannot leave half-done: renamed to {@code <name>.tmp} first (which
     * open deletes as an unfinished write), then deleted. A kill -9 in the middle of a plain recursive delete left a
     * block directory without meta.json that the next open failed on (StorageCrashTest against the real queue).
     */
    static void deleteBlock(final Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        final Path doomed = dir.resolveSibling(dir.getFileName() + ".tmp");
        deleteRecursively(doomed);
        Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
        deleteRecursively(doomed);
    }

    static void deleteRecursively(final Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (final Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }

    /**
     * Stops the compaction thread (a running pass finishes, up to 60 s; a queued one is dropped), then unmaps every
     * block, listed or retired, unless a query is still reading: those blocks are left to the GC (logged), never
     * unmapped under a reader.
     */
    @Override
    public void close() {
        final ExecutorService running;
        synchronized (this) {
            closed = true;
            running = compactions;
        }
        if (running != null) {
            running.shutdown();
            try {
                if (!running.awaitTermination(60, TimeUnit.SECONDS)) {
                    LOG.warn("compaction still running at close; its output is completed or discarded at next open");
                }
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        final List<Block> open;
        synchronized (blocksLock) {
            open = blocks;
            blocks = List.of();
        }
        // a compaction or tombstone rewrite still running reads its inputs outside the reader epochs: leave the
        // mappings to the GC then
        if (!maintenanceLock.tryLock()) {
            LOG.warn("closing while blocks are being rewritten; their files stay mapped until the GC collects them");
            return;
        }
        try {
            // queries entering from now on see no block; those registered before may still read the listed ones
            retired.retire(open);
            retired.release();
        } finally {
            maintenanceLock.unlock();
        }
        if (retired.size() > 0) {
            LOG.warn("closing with {} block(s) still read by {} query(ies); their files stay mapped until the GC "
                + "collects them", retired.size(), head.readers().active());
        }
    }
}
