package io.metricstream.runtime.config;

/**
 * One configuration mistake.
 *
 * @param source the file name, {@code env METRICSTREAM_…} or {@code --set}
 * @param line   1-based line in {@code source}, or 0 when there is no line
 * @param key    the key path, e.g. {@code queue.segment_bytes} (or a section name)
 * @param reason lower-case, "got X; want Y" where it applies
 */
public record ConfigProblem(String source, int line, String key, String reason) {
    /** Renders {@code bad.yml:7: queue.segment_bytes: got "12x"; want a size like 128MiB}. */
    @Override
    public String toString() {
        return source + (line > 0 ? ":" + line : "") + ": " + key + ": " + reason;
    }
}
