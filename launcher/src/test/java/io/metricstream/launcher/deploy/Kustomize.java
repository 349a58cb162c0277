package io.metricstream.launcher.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small stand-in for {@code kubectl kustomize} (not installed here): follows {@code resources} (files and
 * kustomization directories) and applies {@code patches} as strategic merges in the form our overlays use (maps
 * merge, lists of named maps merge by {@code name}, other lists are replaced). A patch naming a resource that does
 * not exist fails, as it does in kustomize.
 */
final class Kustomize {
    /** One rendered resource and the file it came from. */
    record Resource(String kind, String name, JsonNode body, Path file) {
    }

    private Kustomize() {
    }

    /** The resources of the kustomization in {@code dir}, patches applied. */
    static List<Resource> render(Path dir) {
        final Path kfile = dir.resolve("kustomization.yaml");
        if (!Files.isRegularFile(kfile)) {
            throw new AssertionError(dir + " has no kustomization.yaml");
        }
        final JsonNode k = DeployFiles.document(kfile);
        final List<Resource> out = new ArrayList<>();
        for (JsonNode r : k.path("resources")) {
            final Path p = dir.resolve(r.asText()).normalize();
            if (Files.isDirectory(p)) {
                out.addAll(render(p));
            } else if (Files.isRegularFile(p)) {
                for (JsonNode doc : DeployFiles.documents(p)) {
                    out.add(new Resource(doc.path("kind").asText(), doc.path("metadata").path("name").asText(), doc,
                        p));
                }
            } else {
                throw new AssertionError(kfile + ": resource " + r.asText() + " does not exist");
            }
        }
        for (JsonNode patch : k.path("patches")) {
            final Path p = dir.resolve(patch.path("path").asText()).normalize();
            if (!Files.isRegularFile(p)) {
                throw new AssertionError(kfile + ": patch " + patch.path("path").asText() + " does not exist");
            }
            for (JsonNode doc : DeployFiles.documents(p)) {
                apply(out, doc, p);
            }
        }
        return out;
    }

    private static void apply(List<Resource> resources, JsonNode patch, Path file) {
        final String kind = patch.path("kind").asText();
        final String name = patch.path("metadata").path("name").asText();
        for (int i = 0; i < resources.size(); i++) {
            final Resource r = resources.get(i);
            if (r.kind().equals(kind) && r.name().equals(name)) {
                resources.set(i, new Resource(kind, name, merge(r.body(), patch), r.file()));
                return;
            }
        }
        throw new AssertionError(file + ": patches " + kind + "/" + name + ", which the base does not define");
    }

    /** Strategic-merge-like: maps merge, lists of maps with a name merge by name, anything else is replaced. */
    static JsonNode merge(JsonNode base, JsonNode patch) {
        if (base.isObject() && patch.isObject()) {
            final ObjectNode out = ((ObjectNode) base).deepCopy();
            for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext();) {
                final Map.Entry<String, JsonNode> e = it.next();
                out.set(e.getKey(), out.has(e.getKey()) ? merge(out.get(e.getKey()), e.getValue())
                    : e.getValue().deepCopy());
            }
            return out;
        }
        if (base.isArray() && patch.isArray() && named(base) && named(patch)) {
            final Map<String, JsonNode> byName = new LinkedHashMap<>();
            base.forEach(n -> byName.put(n.get("name").asText(), n));
            patch.forEach(n -> byName.merge(n.get("name").asText(), n, Kustomize::merge));
            final ArrayNode out = ((ArrayNode) base).arrayNode();
            byName.values().forEach(out::add);
            return out;
        }
        return patch.deepCopy();
    }

    private static boolean named(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isObject() || !n.has("name")) {
                return false;
            }
        }
        return true;
    }
}
