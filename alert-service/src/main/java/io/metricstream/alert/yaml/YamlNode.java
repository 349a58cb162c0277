package io.metricstream.alert.yaml;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One YAML value with the line it starts on: a map (fields in file order, each key's own line kept), a list, a
 * scalar (its text as written, numbers and booleans included) or null. Immutable after {@link YamlReader} built it.
 */
public final class YamlNode {
    /** The shape of a node. */
    public enum Kind { MAP, LIST, SCALAR, NULL }

    private final Kind kind;
    private final int line;
    private final String text;
    private final Map<String, YamlNode> fields;
    private final Map<String, Integer> keyLines;
    private final List<YamlNode> items;

    private YamlNode(Kind kind, int line, String text, Map<String, YamlNode> fields, Map<String, Integer> keyLines,
                     List<YamlNode> items) {
        this.kind = kind;
        this.line = line;
        this.text = text;
        this.fields = fields;
        this.keyLines = keyLines;
        this.items = items;
    }

    static YamlNode scalar(int line, String text) {
        return new YamlNode(Kind.SCALAR, line, text, Map.of(), Map.of(), List.of());
    }

    static YamlNode nullNode(int line) {
        return new YamlNode(Kind.NULL, line, null, Map.of(), Map.of(), List.of());
    }

    static YamlNode map(int line, LinkedHashMap<String, YamlNode> fields, Map<String, Integer> keyLines) {
        return new YamlNode(Kind.MAP, line, null, Collections.unmodifiableMap(fields), keyLines, List.of());
    }

    static YamlNode list(int line, List<YamlNode> items) {
        return new YamlNode(Kind.LIST, line, null, Map.of(), Map.of(), List.copyOf(items));
    }

    /** The node's shape. */
    public Kind kind() {
        return kind;
    }

    /** The 1-based line the node starts on. */
    public int line() {
        return line;
    }

    /** The scalar text, or null for other kinds. */
    public String text() {
        return text;
    }

    /** True for a map. */
    public boolean isMap() {
        return kind == Kind.MAP;
    }

    /** True for a list. */
    public boolean isList() {
        return kind == Kind.LIST;
    }

    /** True for a scalar. */
    public boolean isScalar() {
        return kind == Kind.SCALAR;
    }

    /** The fields of a map, in file order (empty for other kinds). */
    public Map<String, YamlNode> fields() {
        return fields;
    }

    /** The field {@code name} of a map, or null. */
    public YamlNode get(String name) {
        return fields.get(name);
    }

    /** The line of key {@code name} in a map, else this node's line. */
    public int keyLine(String name) {
        final Integer l = keyLines.get(name);
        return l == null ? line : l;
    }

    /** The items of a list (empty for other kinds). */
    public List<YamlNode> items() {
        return items;
    }

    /** A short name of the kind for messages: "a map", "a list", "a scalar", "null". */
    public String describe() {
        return switch (kind) {
            case MAP -> "a map";
            case LIST -> "a list";
            case SCALAR -> "\"" + text + "\"";
            case NULL -> "null";
        };
    }
}
