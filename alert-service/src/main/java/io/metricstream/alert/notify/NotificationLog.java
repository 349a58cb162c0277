package io.metricstream.alert.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metricstream.alert.state.Persister;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * What was last notified per (group key, integration): the firing and resolved fingerprints and when.
 * Alertmanager's nflog and its {@code needsUpdate} rule decide whether a flush sends. Persisted to
 * {@code <dataDir>/nflog.json} (atomic replace) after every change, so a restart does not re-page before
 * repeat_interval. Entries older than 5 days are dropped. Not thread-safe: owned by the engine thread.
 */
public final class NotificationLog {
    private static final long RETENTION_MS = 5 * 86_400_000L;
    private final Path file;
    private final Persister persister;
    private final Map<String, Entry> entries = new HashMap<>();

    /**
     * One entry.
     *
     * @param firing      firing fingerprints last sent
     * @param resolved    resolved fingerprints last sent
     * @param timestampMs when
     */
    public record Entry(Set<String> firing, Set<String> resolved, long timestampMs) {
    }

    /** A log persisted in {@code file} (null = memory only). */
    public NotificationLog(Path file) {
        this(file, Persister.synchronous());
    }

    /** A log persisted in {@code file} through {@code persister}. */
    public NotificationLog(Path file, Persister persister) {
        this.file = file;
        this.persister = persister;
    }

    /** Loads the file, if any. */
    public void load() throws IOException {
        if (file == null || !Files.exists(file)) {
            return;
        }
        final JsonNode root = Json.MAPPER.readTree(file.toFile());
        final Iterator<Map.Entry<String, JsonNode>> it = root.path("entries").fields();
        while (it.hasNext()) {
            final Map.Entry<String, JsonNode> e = it.next();
            entries.put(e.getKey(), new Entry(set(e.getValue().path("firing")), set(e.getValue().path("resolved")),
                e.getValue().path("timestampMs").asLong()));
        }
    }

    private static Set<String> set(JsonNode arr) {
        final Set<String> s = new HashSet<>();
        arr.forEach(n -> s.add(n.asText()));
        return s;
    }

    /** Alertmanager's {@code DedupStage.needsUpdate}. */
    public boolean needsUpdate(String key, Set<String> firing, Set<String> resolved, boolean sendResolved,
                               long repeatIntervalMs, long nowMs) {
        final Entry e = entries.get(key);
        if (e == null) {
            return !firing.isEmpty();
        }
        if (!e.firing().containsAll(firing)) {
            return true;
        }
        if (!e.firing().isEmpty() && firing.isEmpty()) {
            return true;
        }
        if (sendResolved && !e.resolved().containsAll(resolved)) {
            return true;
        }
        return !firing.isEmpty() && nowMs - e.timestampMs() >= repeatIntervalMs;
    }

    /** Records a send and persists. */
    public void record(String key, Set<String> firing, Set<String> resolved, long nowMs) throws IOException {
        entries.put(key, new Entry(Set.copyOf(firing), Set.copyOf(resolved), nowMs));
        entries.values().removeIf(e -> nowMs - e.timestampMs() > RETENTION_MS);
        if (file == null) {
            return;
        }
        final ObjectNode root = Json.MAPPER.createObjectNode();
        final ObjectNode es = root.putObject("entries");
        entries.forEach((k, e) -> {
            final ObjectNode o = es.putObject(k);
            e.firing().stream().sorted().forEach(o.putArray("firing")::add);
            e.resolved().stream().sorted().forEach(o.putArray("resolved")::add);
            o.put("timestampMs", e.timestampMs());
        });
        persister.write(file, Json.bytes(root));
    }

    /** The entry for {@code key}, or null. */
    public Entry get(String key) {
        return entries.get(key);
    }
}
