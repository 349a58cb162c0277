package io.metricstream.runtime.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** Resolved configuration values (defaults, then file, then environment, then flags). Immutable. */
public final class Config implements ConfigOutcome {
    private final ConfigTable table;
    private final Map<String, Object> values;
    private final Map<String, String> sources;

    Config(ConfigTable table, Map<String, Object> values, Map<String, String> sources) {
        this.table = table;
        this.values = Map.copyOf(values);
        this.sources = Map.copyOf(sources);
    }

    /** Every key of {@code table} at its default. */
    public static Config defaults(ConfigTable table) {
        final Map<String, Object> values = new LinkedHashMap<>();
        for (ConfigKey<?> k : table.keys()) {
            values.put(k.name(), k.defaultValue());
        }
        return new Config(table, values, Map.of());
    }

    /** The value of {@code key}; a key outside this config's table is a programming error. */
    @SuppressWarnings("unchecked")
    public <T> T get(ConfigKey<T> key) {
        final Object v = values.get(key.name());
        if (v == null) {
            throw new IllegalArgumentException("config key " + key.name() + " is not in the table");
        }
        return (T) v;
    }

    /** The value of the key called {@code name}, or null when the table has no such key. */
    public Object get(String name) {
        return values.get(name);
    }

    /** Where {@code key}'s value came from: "default", a file name, an env variable or "--set". */
    public String source(ConfigKey<?> key) {
        return sources.getOrDefault(key.name(), "default");
    }

    /** The table this config resolves. */
    public ConfigTable table() {
        return table;
    }
}
