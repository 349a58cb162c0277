package io.metricstream.alert.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Persists every rule's alerts to {@code <dataDir>/alerts.json} (JSON, replaced atomically with fsync, see
 * {@link AtomicFiles}), so a restart keeps {@code for} progress and knows which alerts already fired. Layout:
 * <pre>{"version":1,"rules":{"&lt;file&gt;;&lt;group&gt;;&lt;alert&gt;":[{labels,annotations,state,value,
 *   activeAtMs,firedAtMs,resolvedAtMs,keepFiringSinceMs,resolvedSent}]}}</pre>
 * Not thread-safe: called from the engine thread.
 */
public final class StateStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final Persister persister;

    /** A store at {@code dataDir/alerts.json}, written synchronously. */
    public StateStore(Path dataDir) {
        this(dataDir, Persister.synchronous());
    }

    /** A store at {@code dataDir/alerts.json} written through {@code persister}. */
    public StateStore(Path dataDir, Persister persister) {
        this.file = dataDir.resolve("alerts.json");
        this.persister = persister;
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** Writes the alerts of {@code machines} (rule key → machine). */
    public void save(Map<String, AlertStateMachine> machines) throws IOException {
        final ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        final ObjectNode rules = root.putObject("rules");
        machines.forEach((key, m) -> {
            final ArrayNode list = rules.putArray(key);
            for (Alert a : m.alerts()) {
                final ObjectNode o = list.addObject();
                o.set("labels", JSON.valueToTree(a.labels));
                o.set("annotations", JSON.valueToTree(a.annotations));
                o.put("state", a.state.name());
                o.put("value", Double.toString(a.value));
                o.put("activeAtMs", a.activeAtMs);
                o.put("firedAtMs", a.firedAtMs);
                o.put("resolvedAtMs", a.resolvedAtMs);
                o.put("keepFiringSinceMs", a.keepFiringSinceMs);
                o.put("resolvedSent", a.resolvedSent);
            }
        });
        persister.write(file, JSON.writeValueAsBytes(root));
    }

    /**
     * Restores persisted alerts into the machines with the same key; alerts of rules that no longer exist are
     * dropped. A missing file restores nothing; an unreadable one throws (the caller logs and starts empty).
     *
     * @return the number of alerts restored
     */
    public int restore(Map<String, AlertStateMachine> machines) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        final JsonNode root = JSON.readTree(file.toFile());
        int n = 0;
        final Iterator<Map.Entry<String, JsonNode>> it = root.path("rules").fields();
        while (it.hasNext()) {
            final Map.Entry<String, JsonNode> e = it.next();
            final AlertStateMachine m = machines.get(e.getKey());
            if (m == null) {
                continue;
            }
            for (JsonNode o : e.getValue()) {
                m.restore(strings(o.path("labels")), strings(o.path("annotations")),
                    AlertState.valueOf(o.path("state").asText("INACTIVE")),
                    Double.parseDouble(o.path("value").asText("NaN")), o.path("activeAtMs").asLong(),
                    o.path("firedAtMs").asLong(), o.path("resolvedAtMs").asLong(),
                    o.path("keepFiringSinceMs").asLong(), o.path("resolvedSent").asBoolean());
                n++;
            }
        }
        return n;
    }

    static Map<String, String> strings(JsonNode o) {
        final Map<String, String> out = new TreeMap<>();
        final Iterator<Map.Entry<String, JsonNode>> it = o.fields();
        while (it.hasNext()) {
            final Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().asText());
        }
        return out.isEmpty() ? new HashMap<>() : out;
    }
}
