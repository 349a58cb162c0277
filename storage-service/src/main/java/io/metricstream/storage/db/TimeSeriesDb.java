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
import io.metricstream.storage.head.MemSeries;
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
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database of one storage instance: the head, the blocks under {@code blocks/}, the tombstones and the head
 * checkpoint, in one data directory. Every mutation (append, flush, checkpoint, compaction, retention, tombstone
 * cleaning) runs on ONE thread, the ingest thread; queries read concurrently: the block list is an immutable
 * snapshot replaced on change, and a block is made visible before the head drops the chunks it holds.
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
    // replaced (never mutated) by the ingest thread; read by anyone
    private volatile List<Block> blocks = List.of();
    // ingest thread only
    private String lastName = "";
    private Map<Integer, Long> recoveredOffsets = Map.of();

    private TimeSeriesDb(final Path dir, final DbOptions options, final HeadMetrics metrics) {
        this.dir = dir;
        this.blocksDir = dir.resolve("blocks");
        this.options = options;
        this.head = new Head(options.head(), metrics);
        this.tombstones = new Tombstones(dir);
    }

    /** Opens (recovering) the database in {@code dir}. */
    public static TimeSeriesDb open(final Path dir, final DbOptions options, final HeadMetrics metrics)
        throws IOException {
        final TimeSeriesDb db = new TimeSeriesDb(dir, options, metrics);
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

    /** Bytes of all blocks on disk. */
    public long blockBytes() {
        long total = 0;
        for (final Block b : blocks) {
            total += b.sizeBytes();
        }
        return total;
    }

    /** Flushes what the head holds before its flush boundary; returns the blocks written. */
    public int flushIfDue() throws IOException {
        return flush(head.flushBoundaryMs());
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
                options.rollupMinSpanMs());
            if (meta != null) {
                added.add(Block.open(blocksDir.resolve(meta.name())));
            }
        }
        final List<Block> next = new ArrayList<>(blocks);
        next.addAll(added);
        blocks = List.copyOf(next);
        head.dropBefore(boundaryMs);
        LOG.info("flushed {} block(s) from the head before {}", added.size(), boundaryMs);
        return added.size();
    }

    /** Writes the head checkpoint covering {@code offsets} (partition → next offset); returns its bytes. */
    public long checkpoint(final Map<Integer, Long> offsets) throws IOException {
        return HeadCheckpoint.write(dir, head, offsets);
    }

    /** Runs every compaction the plan asks for; returns how many merges ran. */
    public int compact() throws IOException {
        int merges = 0;
        List<List<Block>> plan = Compactor.plan(blocks, options.head().blockDurationMs(), options.compactionFactor(),
            options.maxCompactionLevel());
        while (!plan.isEmpty() && merges < 16) {
            final List<Block> group = plan.getFirst();
            final int level = group.stream().mapToInt(b -> b.meta().level()).max().orElse(1) + 1;
            replace(group, Compactor.merge(blocksDir, nextName(), group, level, options.head().maxSamplesPerChunk(),
                tombstones::apply, options.rollupMinSpanMs()));
            merges++;
            plan = Compactor.plan(blocks, options.head().blockDurationMs(), options.compactionFactor(),
                options.maxCompactionLevel());
        }
        return merges;
    }

    private void replace(final List<Block> old, final BlockMeta written) throws IOException {
        final List<Block> next = new ArrayList<>(blocks);
        next.removeAll(old);
        if (written != null) {
            next.add(Block.open(blocksDir.resolve(written.name())));
        }
        next.sort(Comparator.comparing(b -> b.meta().name()));
        blocks = List.copyOf(next);
        for (final Block b : old) {
            deleteBlock(b.dir());
        }
    }

    /** Deletes blocks beyond the retention limits; returns how many. */
    public int applyRetention() throws IOException {
        final List<Block> expired = Retention.expired(blocks, newestMs(), options.retentionMs(),
            options.retentionBytes());
        if (!expired.isEmpty()) {
            replace(expired, null);
            LOG.info("retention deleted {} block(s)", expired.size());
        }
        return expired.size();
    }

    /**
     * Rewrites blocks and head without the tombstoned samples, checkpoints the head with {@code offsets} (so a crash
     * can never bring deleted samples back from an older checkpoint), then forgets the tombstones. Ingest thread.
     */
    public int cleanTombstones(final Map<Integer, Long> offsets) throws IOException {
        int rewritten = 0;
        for (final Block b : blocks) {
            boolean touched = false;
            for (int id = 0; id < b.index().seriesCount() && !touched; id++) {
                touched = tombstones.intervals(b.index().series(id).labels()) != null;
            }
            if (touched) {
                replace(List.of(b), Compactor.merge(blocksDir, nextName(), List.of(b), b.meta().level(),
                    options.head().maxSamplesPerChunk(), tombstones::apply, options.rollupMinSpanMs()));
                rewritten++;
            }
        }
        for (final MemSeries s : head.registry().all()) {
            final long[] iv = tombstones.intervals(s.labels());
            for (int i = 0; iv != null && i < iv.length; i += 2) {
                head.removeRange(s.labels(), iv[i], iv[i + 1]);
            }
        }
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

    @Override
    public void close() {
        blocks = List.of();
    }
}
