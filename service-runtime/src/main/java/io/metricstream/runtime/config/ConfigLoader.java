package io.metricstream.runtime.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads a {@link Config} for a {@link ConfigTable} from an optional YAML file, the environment and flag overrides,
 * in that order of precedence (later wins), and validates the whole of it: every problem is collected with its
 * source and line before anything starts (Aeron's {@code Context.conclude()}).
 *
 * <p>The YAML has one mapping per section ({@code global:}, {@code queue:}, …) of scalar keys (lists may be YAML
 * sequences). Environment variables {@code METRICSTREAM_<SECTION>_<KEY>} override the file; variables with that
 * prefix whose section is not in the table are ignored (the launcher script uses {@code METRICSTREAM_JAVA_OPTS}).
 * Flags ({@code --set section.key=value}) override both.
 */
public final class ConfigLoader {
    private static final String ENV_PREFIX = "METRICSTREAM_";
    private final ConfigTable table;

    /** A loader for the keys of {@code table}. */
    public ConfigLoader(ConfigTable table) {
        this.table = table;
    }

    /**
     * Resolves a configuration.
     *
     * @param file          the YAML file, or empty for defaults plus overrides
     * @param env           the environment (usually {@code System.getenv()})
     * @param flagOverrides {@code section.key} → text, from {@code --set}
     * @return the config, or every problem found
     */
    public ConfigOutcome load(Optional<Path> file, Map<String, String> env, Map<String, String> flagOverrides) {
        final Map<String, Object> values = new LinkedHashMap<>();
        final Map<String, String> sources = new HashMap<>();
        for (ConfigKey<?> k : table.keys()) {
            values.put(k.name(), k.defaultValue());
        }
        final List<ConfigProblem> problems = new ArrayList<>();
        if (file.isPresent()) {
            final Path path = file.get();
            final String source = path.toString();
            try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                new YamlWalk(source, values, sources, problems).walk(reader);
            } catch (IOException e) {
                problems.add(new ConfigProblem(path.toString(), 0, "(file)", "cannot read: " + e));
            }
        }
        applyEnv(env, values, sources, problems);
        applyFlags(flagOverrides, values, sources, problems);
        return problems.isEmpty() ? new Config(table, values, sources) : new ConfigProblems(problems);
    }

    private void applyEnv(Map<String, String> env, Map<String, Object> values, Map<String, String> sources,
                          List<ConfigProblem> problems) {
        final Map<String, ConfigKey<?>> byEnv = new HashMap<>();
        for (ConfigKey<?> k : table.keys()) {
            byEnv.put(k.envName(), k);
        }
        env.keySet().stream().filter(n -> n.startsWith(ENV_PREFIX)).sorted().forEach(name -> {
            final String source = "env " + name;
            final ConfigKey<?> key = byEnv.get(name);
            if (key != null) {
                set(key, env.get(name), source, 0, values, sources, problems);
                return;
            }
            final String rest = name.substring(ENV_PREFIX.length());
            final int underscore = rest.indexOf('_');
            final String section = underscore < 0 ? rest : rest.substring(0, underscore);
            if (table.sections().stream().anyMatch(s -> s.equalsIgnoreCase(section))) {
                final String guess = rest.toLowerCase(java.util.Locale.ROOT).replaceFirst("_", ".");
                problems.add(new ConfigProblem(source, 0, guess, "unknown key" + suggestion(guess)));
            }
        });
    }

    private void applyFlags(Map<String, String> flags, Map<String, Object> values, Map<String, String> sources,
                            List<ConfigProblem> problems) {
        for (Map.Entry<String, String> e : flags.entrySet()) {
            final ConfigKey<?> key = table.find(e.getKey());
            if (key == null) {
                problems.add(new ConfigProblem("--set", 0, e.getKey(), "unknown key" + suggestion(e.getKey())));
            } else {
                set(key, e.getValue(), "--set", 0, values, sources, problems);
            }
        }
    }

    private String suggestion(String name) {
        final String near = table.nearest(name);
        return near == null ? "" : "; did you mean " + near + "?";
    }

    private static <T> void set(ConfigKey<T> key, String text, String source, int line, Map<String, Object> values,
                                Map<String, String> sources, List<ConfigProblem> problems) {
        final T v = key.type().parse(text);
        accept(key, v, "\"" + text + "\"", source, line, values, sources, problems);
    }

    private static <T> void accept(ConfigKey<T> key, T v, String shown, String source, int line,
                                   Map<String, Object> values, Map<String, String> sources,
                                   List<ConfigProblem> problems) {
        if (v == null) {
            problems.add(new ConfigProblem(source, line, key.name(), "got " + shown + "; want " + key.type().want()));
            return;
        }
        final String want = key.check(v);
        if (want != null) {
            problems.add(new ConfigProblem(source, line, key.name(), "got " + shown + "; want " + want));
            return;
        }
        values.put(key.name(), v);
        sources.put(key.name(), source);
    }

    /** One pass over the YAML token stream, keeping each value's line. */
    private final class YamlWalk {
        private final String source;
        private final Map<String, Object> values;
        private final Map<String, String> sources;
        private final List<ConfigProblem> problems;

        YamlWalk(String source, Map<String, Object> values, Map<String, String> sources,
                 List<ConfigProblem> problems) {
            this.source = source;
            this.values = values;
            this.sources = sources;
            this.problems = problems;
        }

        void walk(Reader reader) throws IOException {
            try (JsonParser p = new YAMLFactory().createParser(reader)) {
                final JsonToken root = p.nextToken();
                if (root == null || root == JsonToken.VALUE_NULL) {
                    return;
                }
                if (root != JsonToken.START_OBJECT) {
                    problem(p, "(root)", "got a " + kind(root) + "; want a mapping of sections like queue:");
                    return;
                }
                final Map<String, Integer> seenSections = new HashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    final String section = p.currentName();
                    final int line = line(p);
                    final JsonToken t = p.nextToken();
                    final Integer first = seenSections.putIfAbsent(section, line);
                    if (first != null) {
                        problems.add(new ConfigProblem(source, line, section, "duplicate section (first at line "
                            + first + ")"));
                    }
                    if (!table.sections().contains(section)) {
                        final String near = table.nearestSection(section);
                        problems.add(new ConfigProblem(source, line, section, "unknown section"
                            + (near == null ? "" : "; did you mean " + near + "?")
                            + " (known: " + String.join(", ", table.sections()) + ")"));
                        p.skipChildren();
                    } else if (t == JsonToken.START_OBJECT) {
                        walkSection(p, section);
                    } else if (t != JsonToken.VALUE_NULL) {
                        problem(p, section, "got a " + kind(t) + "; want a mapping of keys");
                        p.skipChildren();
                    }
                }
            } catch (JsonProcessingException e) {
                final int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
                problems.add(new ConfigProblem(source, line, "(yaml)", "cannot parse: " + e.getOriginalMessage()));
            }
        }

        private void walkSection(JsonParser p, String section) throws IOException {
            final Map<String, Integer> seen = new HashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                final String name = section + "." + p.currentName();
                final int keyLine = line(p);
                final JsonToken t = p.nextToken();
                final ConfigKey<?> key = table.find(name);
                final Integer first = seen.putIfAbsent(name, keyLine);
                if (first != null) {
                    problems.add(new ConfigProblem(source, keyLine, name,
                        "duplicate key (first at line " + first + ")"));
                }
                if (key == null) {
                    problems.add(new ConfigProblem(source, keyLine, name, "unknown key" + suggestion(name)));
                    p.skipChildren();
                } else {
                    value(p, t, key, keyLine);
                }
            }
        }

        private <T> void value(JsonParser p, JsonToken t, ConfigKey<T> key, int line) throws IOException {
            if (t == JsonToken.START_ARRAY) {
                final List<String> items = new ArrayList<>();
                boolean scalars = true;
                for (JsonToken i = p.nextToken(); i != JsonToken.END_ARRAY; i = p.nextToken()) {
                    if (i.isScalarValue()) {
                        items.add(p.getText());
                    } else {
                        scalars = false;
                        p.skipChildren();
                    }
                }
                final T v = scalars ? key.type().parseList(items) : null;
                accept(key, v, "a list", source, line, values, sources, problems);
            } else if (t == JsonToken.START_OBJECT) {
                problems.add(new ConfigProblem(source, line, key.name(), "got a mapping; want " + key.type().want()));
                p.skipChildren();
            } else if (t == JsonToken.VALUE_NULL) {
                problems.add(new ConfigProblem(source, line, key.name(), "got nothing; want " + key.type().want()));
            } else {
                set(key, p.getText(), source, line, values, sources, problems);
            }
        }

        private void problem(JsonParser p, String key, String reason) {
            problems.add(new ConfigProblem(source, line(p), key, reason));
        }

        private static int line(JsonParser p) {
            return p.currentTokenLocation().getLineNr();
        }

        private static String kind(JsonToken t) {
            return t == JsonToken.START_ARRAY ? "list" : "scalar";
        }
    }
}
