package io.metricstream.runtime.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ordered set of {@link ConfigKey}s: one service's keys, or all sections in use. The loader, {@code config check},
 * {@code config keys} and the README table all read it. Immutable.
 */
public final class ConfigTable {
    private final Map<String, ConfigKey<?>> keys;

    private ConfigTable(Map<String, ConfigKey<?>> keys) {
        this.keys = keys;
    }

    /** A table of {@code keys}; a duplicated name is a programming error. */
    public static ConfigTable of(ConfigKey<?>... keys) {
        return of(List.of(keys));
    }

    /** A table of {@code keys}; a duplicated name or a key without a default is a programming error. */
    public static ConfigTable of(Collection<ConfigKey<?>> keys) {
        final Map<String, ConfigKey<?>> map = new LinkedHashMap<>();
        for (ConfigKey<?> k : keys) {
            if (k.defaultValue() == null) {
                throw new IllegalArgumentException("config key " + k.name() + " has no default value");
            }
            if (map.putIfAbsent(k.name(), k) != null) {
                throw new IllegalArgumentException("config key " + k.name() + " declared twice");
            }
        }
        return new ConfigTable(Collections.unmodifiableMap(map));
    }

    /** The union of {@code tables}, in order. */
    public static ConfigTable merge(ConfigTable... tables) {
        return merge(List.of(tables));
    }

    /** The union of {@code tables}, in order; the same key object appearing in two tables is kept once. */
    public static ConfigTable merge(Collection<ConfigTable> tables) {
        final Map<String, ConfigKey<?>> map = new LinkedHashMap<>();
        for (ConfigTable t : tables) {
            for (ConfigKey<?> k : t.keys()) {
                final ConfigKey<?> prev = map.putIfAbsent(k.name(), k);
                if (prev != null && prev != k) {
                    throw new IllegalArgumentException("config key " + k.name() + " declared twice");
                }
            }
        }
        return new ConfigTable(Collections.unmodifiableMap(map));
    }

    /** Every key, in declaration order. */
    public List<ConfigKey<?>> keys() {
        return new ArrayList<>(keys.values());
    }

    /** The key called {@code name}, or null. */
    public ConfigKey<?> find(String name) {
        return keys.get(name);
    }

    /** The sections used by this table's keys, in order. */
    public Set<String> sections() {
        final Set<String> out = new LinkedHashSet<>();
        for (ConfigKey<?> k : keys.values()) {
            out.add(k.section());
        }
        return out;
    }

    /**
     * The known key nearest to {@code name} by edit distance (for "did you mean"), preferring keys of the same
     * section; null when nothing is close.
     */
    public String nearest(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : keys.keySet()) {
            final int d = editDistance(name, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best != null && bestDistance <= Math.max(2, name.length() / 3) ? best : null;
    }

    /** Nearest known section to {@code section}, or null. */
    public String nearestSection(String section) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : sections()) {
            final int d = editDistance(section, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best != null && bestDistance <= 2 ? best : null;
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                final int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            final int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
