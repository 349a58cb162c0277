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
 * A block's {@code meta.json} (docs/format/meta-json.md). Immutable.
 *
 * @param name block directory name (sortable by creation)
 * @param minTimeMs first sample timestamp (inclusive)
 * @param maxTimeMs last sample timestamp (inclusive)
 * @param samples sample count
 * @param series series count
 * @param chunks chunk count
 * @param level compaction level (1 = flushed from the head)
 * @param sources names of the level-1 blocks this block covers (itself for level 1)
 */
public record BlockMeta(String name, long minTimeMs, long maxTimeMs, long samples, long series, long chunks,
                        int level, List<String> sources) {
    /** File name inside the block directory. */
    public static final String FILE = "meta.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The JSON bytes of this meta. */
    public byte[] toJson() throws IOException {
        final ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        root.put("name", name);
        root.put("minTime", minTimeMs);
        root.put("maxTime", maxTimeMs);
        final ObjectNode stats = root.putObject("stats");
        stats.put("numSamples", samples);
        stats.put("numSeries", series);
        stats.put("numChunks", chunks);
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
        if (root == null || root.path("version").asInt() != 1 || !root.has("minTime") || !root.has("maxTime")) {
            throw new ChunkCorruptException(path.toString(), 0, "bad meta.json: missing version, minTime or maxTime");
        }
        final List<String> sources = new ArrayList<>();
        root.path("compaction").path("sources").forEach(n -> sources.add(n.asText()));
        final JsonNode stats = root.path("stats");
        return new BlockMeta(root.path("name").asText(dir.getFileName().toString()), root.get("minTime").asLong(),
            root.get("maxTime").asLong(), stats.path("numSamples").asLong(), stats.path("numSeries").asLong(),
            stats.path("numChunks").asLong(), root.path("compaction").path("level").asInt(1), List.copyOf(sources));
    }
}
