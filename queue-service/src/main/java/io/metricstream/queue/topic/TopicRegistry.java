package io.metricstream.queue.topic;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.queue.TopicMetadata;
import io.metricstream.queue.flush.FsyncPolicy;
import io.metricstream.queue.flush.GroupCommitter;
import io.metricstream.queue.log.LogOptions;
import io.metricstream.queue.log.PartitionLog;
import io.metricstream.queue.log.SegmentFiles;
import io.metricstream.runtime.metrics.LatencyRecorder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topics of this broker and their partitions. Topic metadata lives in {@code <dataDir>/topics.json}
 * ({@code {"topics":[{"name":…,"partitions":…}]}}), rewritten atomically (temp file, fsync, rename, directory
 * fsync) on every create; partition logs live in {@code <dataDir>/<topic>-<partition>/}.
 *
 * <p>Threads: lookups are lock-free on any thread; {@link #create} is synchronized.
 */
public final class TopicRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicRegistry.class);
    private static final JsonFactory JSON = new JsonFactory();
    /** The metadata file name. */
    public static final String TOPICS_FILE = "topics.json";

    /**
     * What a create answered.
     *
     * @param code NONE, INVALID_TOPIC or INVALID_REQUEST
     * @param message why not, or "" when created
     */
    public record Outcome(ErrorCode code, String message) {
        static final Outcome CREATED = new Outcome(ErrorCode.NONE, "");
    }

    /**
     * Everything a partition needs besides its name.
     *
     * @param dataDir the queue's data directory
     * @param log log settings
     * @param policy fsync policy
     * @param groupCommitMs group commit interval
     * @param files log channel opener
     * @param clockMs wall clock
     */
    public record Settings(Path dataDir, LogOptions log, FsyncPolicy policy, long groupCommitMs,
                           SegmentFiles.ChannelFactory files, LongSupplier clockMs) {
    }

    private final Settings settings;
    private final PartitionWriters writers;
    private final ScheduledExecutorService flushPool;
    private final DiskSpace disk;
    private final Partition.Counters counters;
    private final LatencyRecorder fsyncLatency;
    private final Map<String, Partition[]> topics = new ConcurrentHashMap<>();
    private volatile java.util.function.Consumer<Partition> onCreated = p -> { };

    /** A registry; call {@link #load} next. */
    public TopicRegistry(final Settings settings, final PartitionWriters writers,
                         final ScheduledExecutorService flushPool, final DiskSpace disk,
                         final Partition.Counters counters, final LatencyRecorder fsyncLatency) {
        this.settings = settings;
        this.writers = writers;
        this.flushPool = flushPool;
        this.disk = disk;
        this.counters = counters;
        this.fsyncLatency = fsyncLatency;
    }

    /** Runs {@code listener} for every partition opened from now on (metrics registration). */
    public void onPartitionOpened(final java.util.function.Consumer<Partition> listener) {
        this.onCreated = listener;
    }

    /** Opens the topics in topics.json, then creates the missing ones of {@code configured} (name → partitions). */
    public synchronized void load(final Map<String, Integer> configured) throws IOException {
        final Path file = settings.dataDir().resolve(TOPICS_FILE);
        if (Files.exists(file)) {
            try (JsonParser p = JSON.createParser(Files.readAllBytes(file))) {
                for (final Map.Entry<String, Integer> e : parse(p).entrySet()) {
                    open(e.getKey(), e.getValue());
                }
            }
        }
        boolean changed = false;
        for (final Map.Entry<String, Integer> e : configured.entrySet()) {
            final Partition[] existing = topics.get(e.getKey());
            if (existing == null) {
                open(e.getKey(), e.getValue());
                changed = true;
            } else if (existing.length != e.getValue()) {
                LOG.warn("topic {} has {} partitions on disk; config asks {}: keeping {}", e.getKey(),
                    existing.length, e.getValue(), existing.length);
            }
        }
        if (changed || !Files.exists(file)) {
            persist();
        }
    }

    private static Map<String, Integer> parse(final JsonParser p) throws IOException {
        final Map<String, Integer> out = new TreeMap<>();
        String name = null;
        int partitions = 0;
        JsonToken t;
        while ((t = p.nextToken()) != null) {
            if (t == JsonToken.FIELD_NAME && "name".equals(p.currentName())) {
                p.nextToken();
                name = p.getText();
            } else if (t == JsonToken.FIELD_NAME && "partitions".equals(p.currentName())) {
                p.nextToken();
                partitions = p.getIntValue();
            } else if (t == JsonToken.END_OBJECT && name != null) {
                if (TopicName.problem(name) == null && TopicName.partitionsProblem(partitions) == null) {
                    out.put(name, partitions);
                } else {
                    LOG.warn("ignoring invalid topic in {}: name={} partitions={}", TOPICS_FILE, name, partitions);
                }
                name = null;
                partitions = 0;
            }
        }
        return out;
    }

    /** Creates topic {@code name} with {@code partitions} partitions, durably. */
    public synchronized Outcome create(final String name, final int partitions) throws IOException {
        final String nameProblem = TopicName.problem(name);
        if (nameProblem != null) {
            return new Outcome(ErrorCode.INVALID_TOPIC, nameProblem);
        }
        final String countProblem = TopicName.partitionsProblem(partitions);
        if (countProblem != null) {
            return new Outcome(ErrorCode.INVALID_REQUEST, countProblem);
        }
        if (topics.containsKey(name)) {
            return new Outcome(ErrorCode.INVALID_TOPIC, "topic already exists: " + name);
        }
        open(name, partitions);
        persist();
        LOG.info("created topic {} partitions={}", name, partitions);
        return Outcome.CREATED;
    }

    private void open(final String name, final int count) throws IOException {
        final Partition[] partitions = new Partition[count];
        for (int i = 0; i < count; i++) {
            final PartitionLog log = PartitionLog.open(settings.dataDir().resolve(name + "-" + i), settings.log(),
                settings.files(), settings.clockMs(), flushPool);
            final Partition p = new Partition(name, i, log, writers.nextStripe(), disk, counters);
            p.committer(new GroupCommitter(settings.policy(), settings.groupCommitMs(), log, flushPool,
                p.waiters()::wakeAll, fsyncLatency));
            partitions[i] = p;
        }
        topics.put(name, partitions);
        for (final Partition p : partitions) {
            onCreated.accept(p);
        }
    }

    private void persist() throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator((OutputStream) bytes)) {
            g.writeStartObject();
            g.writeArrayFieldStart("topics");
            for (final TopicMetadata t : list()) {
                g.writeStartObject();
                g.writeStringField("name", t.name());
                g.writeNumberField("partitions", t.partitions());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        final Path file = settings.dataDir().resolve(TOPICS_FILE);
        final Path tmp = settings.dataDir().resolve(TOPICS_FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(bytes.toByteArray()));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(settings.dataDir(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            LOG.debug("cannot fsync {}: {}", settings.dataDir(), e.toString());
        }
    }

    /** The partitions of {@code topic}, or {@code null} when unknown. */
    public Partition[] partitions(final String topic) {
        return topics.get(topic);
    }

    /** One partition, or {@code null} when the topic or partition does not exist. */
    public Partition partition(final String topic, final int partition) {
        final Partition[] ps = topics.get(topic);
        return ps == null || partition < 0 || partition >= ps.length ? null : ps[partition];
    }

    /** Every topic, sorted by name. */
    public List<TopicMetadata> list() {
        final List<TopicMetadata> out = new ArrayList<>();
        for (final Map.Entry<String, Partition[]> e : new TreeMap<>(topics).entrySet()) {
            out.add(new TopicMetadata(e.getKey(), e.getValue().length));
        }
        return out;
    }

    /** Every partition of every topic. */
    public List<Partition> allPartitions() {
        final List<Partition> out = new ArrayList<>();
        for (final Partition[] ps : topics.values()) {
            out.addAll(List.of(ps));
        }
        return out;
    }

    /** Closes every log (call after the writer threads stopped). */
    @Override
    public void close() {
        for (final Partition p : allPartitions()) {
            try {
                p.log().close();
            } catch (IOException e) {
                LOG.warn("cannot close {}: {}", p.log().dir(), e.toString());
            }
        }
    }
}
