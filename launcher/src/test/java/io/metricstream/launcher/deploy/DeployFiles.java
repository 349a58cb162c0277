package io.metricstream.launcher.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.metricstream.launcher.cluster.ServiceCatalog;
import io.metricstream.runtime.config.ConfigKey;
import io.metricstream.runtime.config.ConfigTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Shared reading of the deployment files (repo root, YAML documents) and of the live config table. */
final class DeployFiles {
    /** The one image reference every deployment file uses. */
    static final String IMAGE = "metricstream/metricstream:0.1.0";
    /** host:port inside an env value, optionally as an http URL. */
    static final Pattern ADDRESS = Pattern.compile("^(https?://)?([A-Za-z0-9.-]+):(\\d+)(/.*)?$");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private DeployFiles() {
    }

    /** The repository root: the first ancestor of the working directory holding the launcher script and pom.xml. */
    static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("metricstream")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new AssertionError("no repository root above " + Path.of("").toAbsolutePath());
    }

    /** Every YAML document of {@code file} (multi-document files included), skipping empty ones. */
    static List<JsonNode> documents(Path file) {
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            final List<JsonNode> docs = new ArrayList<>();
            while (it.hasNext()) {
                final JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isMissingNode()) {
                    docs.add(n);
                }
            }
            return docs;
        } catch (IOException e) {
            throw new AssertionError("cannot parse " + file + ": " + e.getMessage(), e);
        }
    }

    /** The single YAML document of {@code file}. */
    static JsonNode document(Path file) {
        final List<JsonNode> docs = documents(file);
        if (docs.size() != 1) {
            throw new AssertionError(file + ": want one YAML document, got " + docs.size());
        }
        return docs.getFirst();
    }

    /** YAML text as a tree. */
    static JsonNode parse(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The live table: global keys plus every service's, as {@code run} validates. */
    static ConfigTable table() {
        return ServiceCatalog.table();
    }

    /** The key whose env name is {@code envName}, if a service declares it. */
    static Optional<ConfigKey<?>> keyForEnv(String envName) {
        return table().keys().stream().filter(k -> k.envName().equals(envName)).findFirst();
    }

    /** {@code section.key -> text} of a metricstream.yml tree (scalars; lists joined with commas). */
    static Map<String, String> settings(JsonNode yaml) {
        final Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> s = yaml.fields(); s.hasNext();) {
            final Map.Entry<String, JsonNode> section = s.next();
            for (Iterator<Map.Entry<String, JsonNode>> k = section.getValue().fields(); k.hasNext();) {
                final Map.Entry<String, JsonNode> key = k.next();
                final JsonNode v = key.getValue();
                final List<String> items = new ArrayList<>();
                if (v.isArray()) {
                    v.forEach(i -> items.add(i.asText()));
                }
                out.put(section.getKey() + "." + key.getKey(), v.isArray() ? String.join(",", items) : v.asText());
            }
        }
        return out;
    }

    /**
     * The port {@code service} listens on for {@code portKind} ({@code http_port} or {@code binary_port}): the env
     * override, else the config file's value, else the live default; -1 when the service declares no such key.
     */
    static int effectivePort(String service, String portKind, Map<String, String> env, Map<String, String> file) {
        final String name = service + "." + portKind;
        final ConfigKey<?> key = table().find(name);
        if (key == null) {
            return -1;
        }
        final String fromEnv = env.get(key.envName());
        if (fromEnv != null) {
            return Integer.parseInt(fromEnv);
        }
        final String fromFile = file.get(name);
        return fromFile != null ? Integer.parseInt(fromFile) : ((Number) key.defaultValue()).intValue();
    }

    /** The address-like elements of an env value ("a:1,b:2" gives two matchers); empty when none is one. */
    static List<Matcher> addresses(String value) {
        final List<Matcher> out = new ArrayList<>();
        for (String part : value.split(",")) {
            final Matcher m = ADDRESS.matcher(part.trim());
            if (m.matches()) {
                out.add(m);
            }
        }
        return out;
    }

    /** ENV instructions of the Dockerfile: name to value. */
    static Map<String, String> dockerfileEnv() {
        final Map<String, String> env = new LinkedHashMap<>();
        for (Dockerfile.Instruction i : Dockerfile.read(root().resolve("Dockerfile")).instructions()) {
            if (i.keyword().equals("ENV")) {
                env.putAll(Dockerfile.envPairs(i.arguments()));
            }
        }
        return env;
    }
}
