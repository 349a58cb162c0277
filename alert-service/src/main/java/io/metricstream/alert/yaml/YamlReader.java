package io.metricstream.alert.yaml;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads one YAML document into a {@link YamlNode} tree; syntax errors become a {@link YamlProblems} entry. */
public final class YamlReader {
    private static final YAMLFactory FACTORY = new YAMLFactory();

    private YamlReader() {
    }

    /**
     * Parses {@code text}; returns the root node (a NULL node for an empty document), or null after adding the
     * syntax error (with its line) to {@code problems}. Duplicate keys are reported and the later value wins.
     */
    public static YamlNode read(String text, YamlProblems problems) {
        try (JsonParser p = FACTORY.createParser(text)) {
            final JsonToken first = p.nextToken();
            if (first == null) {
                return YamlNode.nullNode(1);
            }
            return value(p, problems, "");
        } catch (IOException e) {
            final int line = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
                && jpe.getLocation() != null ? jpe.getLocation().getLineNr() : 0;
            final String msg = e.getMessage() == null ? e.toString() : String.join("; ", e.getMessage().lines()
                .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)) && !l.startsWith(" at [Source"))
                .map(l -> l.replaceAll(" at \\[Source.*", "")).toList());
            problems.add(line, "", "yaml syntax: " + msg);
            return null;
        }
    }

    private static YamlNode value(JsonParser p, YamlProblems problems, String path) throws IOException {
        final int line = p.currentTokenLocation().getLineNr();
        final JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                final LinkedHashMap<String, YamlNode> fields = new LinkedHashMap<>();
                final Map<String, Integer> keyLines = new HashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    final String key = p.currentName();
                    final int keyLine = p.currentTokenLocation().getLineNr();
                    p.nextToken();
                    final YamlNode v = value(p, problems, path.isEmpty() ? key : path + "." + key);
                    if (fields.put(key, v) != null) {
                        problems.add(keyLine, path.isEmpty() ? key : path + "." + key, "duplicate key");
                    }
                    keyLines.put(key, keyLine);
                }
                return YamlNode.map(line, fields, keyLines);
            }
            case START_ARRAY: {
                final List<YamlNode> items = new ArrayList<>();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(value(p, problems, path + "[" + i + "]"));
                    i++;
                }
                return YamlNode.list(line, items);
            }
            case VALUE_NULL:
                return YamlNode.nullNode(line);
            default:
                return YamlNode.scalar(line, p.getText());
        }
    }
}
