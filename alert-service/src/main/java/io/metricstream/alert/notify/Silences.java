package io.metricstream.alert.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metricstream.alert.state.Persister;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Silences with Alertmanager v2 shapes ({@code PostableSilence} in, {@code GettableSilence} out), persisted to
 * {@code <dataDir>/silences.json} atomically on every change. Expired silences are kept 5 days, then dropped.
 * Not thread-safe: owned by the engine thread.
 */
public final class Silences {
    /** How long expired silences are kept (Alertmanager's default retention). */
    public static final long RETENTION_MS = 5 * 86_400_000L;

    private final Path file;
    private final Persister persister;
    private final Map<String, Silence> byId = new LinkedHashMap<>();

    /**
     * One silence.
     *
     * @param id          the id
     * @param matchers    matchers
     * @param startsAtMs  start
     * @param endsAtMs    end
     * @param createdBy   author
     * @param comment     comment
     * @param updatedAtMs last change
     */
    public record Silence(String id, List<Matcher> matchers, long startsAtMs, long endsAtMs, String createdBy,
                          String comment, long updatedAtMs) {
        /** "pending", "active" or "expired" at {@code nowMs}. */
        public String state(long nowMs) {
            if (nowMs >= endsAtMs) {
                return "expired";
            }
            return nowMs < startsAtMs ? "pending" : "active";
        }
    }

    /**
     * The outcome of a POST: an id, or the field and reason of a 400.
     *
     * @param id     the silence id, or null
     * @param field  the bad field
     * @param reason why
     */
    public record Outcome(String id, String field, String reason) {
    }

    /** Silences persisted in {@code file} (null = memory only). */
    public Silences(Path file) {
        this(file, Persister.synchronous());
    }

    /** Silences persisted in {@code file} through {@code persister}. */
    public Silences(Path file, Persister persister) {
        this.file = file;
        this.persister = persister;
    }

    /** Loads the file, if any. */
    public void load() throws IOException {
        if (file == null || !Files.exists(file)) {
            return;
        }
        final JsonNode root = Json.MAPPER.readTree(file.toFile());
        for (JsonNode s : root.path("silences")) {
            final Outcome o = upsert(s, s.path("updatedAtMs").asLong(), false);
            if (o.id() == null) {
                throw new IOException("bad silence in " + file + ": " + o.field() + ": " + o.reason());
            }
        }
    }

    /** Creates or updates (when {@code body.id} names one) a silence from a v2 PostableSilence. */
    public Outcome upsert(JsonNode body, long nowMs) {
        return upsert(body, nowMs, true);
    }

    private Outcome upsert(JsonNode body, long nowMs, boolean persist) {
        if (!body.isObject()) {
            return new Outcome(null, "", "want a JSON object");
        }
        final List<Matcher> matchers = new ArrayList<>();
        final JsonNode ms = body.path("matchers");
        if (!ms.isArray() || ms.isEmpty()) {
            return new Outcome(null, "matchers", "want at least one matcher");
        }
        for (int i = 0; i < ms.size(); i++) {
            final JsonNode m = ms.get(i);
            final String name = m.path("name").asText("");
            if (name.isEmpty()) {
                return new Outcome(null, "matchers[" + i + "].name", "missing label name");
            }
            final boolean regex = m.path("isRegex").asBoolean(false);
            final boolean equal = m.path("isEqual").asBoolean(true);
            final Matcher.Type t = regex ? (equal ? Matcher.Type.REGEX : Matcher.Type.NOT_REGEX)
                : (equal ? Matcher.Type.EQUAL : Matcher.Type.NOT_EQUAL);
            try {
                matchers.add(Matcher.of(name, t, m.path("value").asText("")));
            } catch (java.util.regex.PatternSyntaxException e) {
                return new Outcome(null, "matchers[" + i + "].value", "bad regex: " + e.getDescription());
            }
        }
        final long starts;
        final long ends;
        try {
            starts = body.hasNonNull("startsAt") ? Instant.parse(body.get("startsAt").asText()).toEpochMilli() : nowMs;
            ends = Instant.parse(body.path("endsAt").asText("")).toEpochMilli();
        } catch (DateTimeParseException e) {
            return new Outcome(null, body.hasNonNull("endsAt") ? "startsAt" : "endsAt",
                "want an RFC 3339 time like 2026-01-02T15:04:05Z");
        }
        if (ends <= starts) {
            return new Outcome(null, "endsAt", "end time must be after start time");
        }
        String id = body.path("id").asText("");
        if (!id.isEmpty() && persist && !byId.containsKey(id)) {
            return new Outcome(null, "id", "silence " + id + " not found");
        }
        if (id.isEmpty()) {
            id = UUID.randomUUID().toString();
        }
        byId.put(id, new Silence(id, List.copyOf(matchers), starts, ends, body.path("createdBy").asText(""),
            body.path("comment").asText(""), nowMs));
        if (persist) {
            save(nowMs);
        }
        return new Outcome(id, null, null);
    }

    /** Expires silence {@code id} now; false when unknown. */
    public boolean expire(String id, long nowMs) {
        final Silence s = byId.get(id);
        if (s == null) {
            return false;
        }
        if (s.endsAtMs() > nowMs) {
            byId.put(id, new Silence(id, s.matchers(), Math.min(s.startsAtMs(), nowMs), nowMs, s.createdBy(),
                s.comment(), nowMs));
            save(nowMs);
        }
        return true;
    }

    /** The silence {@code id}, or null. */
    public Silence get(String id) {
        return byId.get(id);
    }

    /** Every silence. */
    public List<Silence> list() {
        return List.copyOf(byId.values());
    }

    /** Ids of active silences muting {@code labels} at {@code nowMs}. */
    public List<String> silencedBy(Map<String, String> labels, long nowMs) {
        List<String> out = List.of();
        for (Silence s : byId.values()) {
            if (s.state(nowMs).equals("active") && Matcher.all(s.matchers(), labels)) {
                if (out.isEmpty()) {
                    out = new ArrayList<>();
                }
                out.add(s.id());
            }
        }
        return out;
    }

    /** A v2 GettableSilence of {@code s}. */
    public static ObjectNode toJson(Silence s, long nowMs) {
        final ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", s.id());
        o.putObject("status").put("state", s.state(nowMs));
        o.put("updatedAt", Instant.ofEpochMilli(s.updatedAtMs()).toString());
        final ArrayNode ms = o.putArray("matchers");
        for (Matcher m : s.matchers()) {
            ms.addObject().put("name", m.name()).put("value", m.value())
                .put("isRegex", m.type() == Matcher.Type.REGEX || m.type() == Matcher.Type.NOT_REGEX)
                .put("isEqual", m.type() == Matcher.Type.EQUAL || m.type() == Matcher.Type.REGEX);
        }
        o.put("startsAt", Instant.ofEpochMilli(s.startsAtMs()).toString());
        o.put("endsAt", Instant.ofEpochMilli(s.endsAtMs()).toString());
        o.put("createdBy", s.createdBy());
        o.put("comment", s.comment());
        return o;
    }

    private void save(long nowMs) {
        byId.values().removeIf(s -> nowMs - s.endsAtMs() > RETENTION_MS);
        if (file == null) {
            return;
        }
        final ObjectNode root = Json.MAPPER.createObjectNode();
        final ArrayNode arr = root.putArray("silences");
        for (Silence s : byId.values()) {
            final ObjectNode o = toJson(s, nowMs);
            o.put("updatedAtMs", s.updatedAtMs());
            arr.add(o);
        }
        persister.write(file, Json.bytes(root));
    }
}
