package io.metricstream.alert.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;

/** Shared JSON helpers for payloads. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static String time(long ms) {
        return ms <= 0 ? "0001-01-01T00:00:00Z" : Instant.ofEpochMilli(ms).toString();
    }

    static ObjectNode map(ObjectNode parent, String field, Map<String, String> m) {
        final ObjectNode o = parent.putObject(field);
        new java.util.TreeMap<>(m).forEach(o::put);
        return o;
    }

    static byte[] bytes(Object node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }
}
