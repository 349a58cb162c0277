package io.metricstream.storage.block;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metricstream.contracts.chunk.ChunkCorruptException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A block's {@code meta.json} (docs/format/meta-json.md). Immutable. Version 1 blocks keep their chunks in one
 * {@code chunks} file, version 2 blocks in segment files {@code chunks/000001}... ({@link ChunkSegmentDescriptor});
 * both are read, only version 2 is written.
 *
 * @param version block layout version ({@link #VERSION_CHUNKS_FILE} or {@link #VERSION_CHUNK_SEGMENTS})
 * @param name block directory name (sortable by creation)
 * @param minTimeMs first sample timestamp (inclusive)
 * @param maxTimeMs last sample timestamp (inclusive)
 * @param samples sample count
 * @param series series count
 * @param chunks chunk count
 * @param chunkSegments chunk segment files (version 2: {@code chunks/000001} to this number; version 1: 1)
 * @param level compaction level (1 = flushed from the head)
 * @param sources names of the level-1 blocks this block covers (itself for level 1)
 */
public record BlockMeta(int version, String name, long minTimeMs, long maxTimeMs, long samples, long series,
                        long chunks, int chunkSegments, int level, List<String> sources) {
    /** File name inside the block directory. */
    public static final String FILE = "meta.json";
    /** Layout of blocks written before segments: one {@code chunks} file, refs are its offsets. */
    public static final int VERSION_CHUNKS_FILE = 1;
    /** Layout written now: chunk segment files under {@code chunks/}, refs are segment and offset. */
    public static final int VERSION_CHUNK_SEGMENTS = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The JSON bytes of this meta. */
    public byte[] toJson() throws IOException {
        final ObjectNode root = JSON.createObjectNode();
        root.put("version", version);
        root.put("name", name);
        root.put("minTime", minTimeMs);
        root.put("maxTime", maxTimeMs);
        final ObjectNode stats = root.putObject("stats");
        stats.put("numSamples", samples);
        stats.put("numSeries", series);
        stats.put("numChunks", chunks);
        if (version >= VERSION_CHUNK_SEGMENTS) {
            stats.put("numChunkSegments", chunkSegments);
        }
        final ObjectNode compaction = root.putObject("compaction");
        compaction.put("level", level);
        final ArrayNode src = compaction.putArray("sources");
        sources.forEach(src::add);
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    /** Reads {@code dir/meta.json}. */
    public static BlockMeta read(final Path dir) throws IOException {
        final Path path = dir.resolve(FILE);
        final JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(path));
        } catch (final com.fasterxml.jackson.core.JacksonException e) {
            throw new ChunkCorruptException(path.toString(), 0, "bad meta.json: " + e.getOriginalMessage());
        }
        if (root == null || !root.has("version") || !root.has("minTime") || !root.has("maxTime")) {
            throw new ChunkCorruptException(path.toString(), 0, "bad meta.json: missing version, minTime or maxTime");
        }
        final int version = root.path("version").asInt();
        if (version != VERSION_CHUNKS_FILE && version != VERSION_CHUNK_SEGMENTS) {
            throw new ChunkCorruptException(path.toString(), 0, "bad meta.json: version " + version + "; want "
                + VERSION_CHUNKS_FILE + " or " + VERSION_CHUNK_SEGMENTS);
        }
        final JsonNode stats = root.path("stats");
        final int segments = version == VERSION_CHUNKS_FILE ? 1 : stats.path("numChunkSegments").asInt(-1);
        if (segments < 1) {
            throw new ChunkCorruptException(path.toString(), 0, "bad meta.json: stats.numChunkSegments "
                + stats.path("numChunkSegments") + "; want >= 1");
        }
        final List<String> sources = new ArrayList<>();
        root.path("compaction").path("sources").forEach(n -> sources.add(n.asText()));
        return new BlockMeta(version, root.path("name").asText(dir.getFileName().toString()),
            root.get("minTime").asLong(), root.get("maxTime").asLong(), stats.path("numSamples").asLong(),
            stats.path("numSeries").asLong(), stats.path("numChunks").asLong(), segments,
            root.path("compaction").path("level").asInt(1), List.copyOf(sources));
    }
}
