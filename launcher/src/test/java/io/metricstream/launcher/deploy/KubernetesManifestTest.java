package io.metricstream.launcher.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.metricstream.launcher.MetricStreamCli;
import io.metricstream.launcher.cluster.ServiceCatalog;
import io.metricstream.runtime.config.ConfigLoader;
import io.metricstream.runtime.config.ConfigOutcome;
import io.metricstream.runtime.config.ConfigProblems;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * Static checks of k8s/: every file parses, every kustomization points at existing files and patches existing
 * resources, and base plus each overlay (rendered by {@link Kustomize}) agree with the live config tables, the CLI,
 * each other's names and ports, and the one image.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KubernetesManifestTest {
    private static final Path K8S = DeployFiles.root().resolve("k8s");
    private static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet");

    @TempDir
    Path tmp;

    /** One container of a rendered workload. */
    private record Pod(Kustomize.Resource workload, JsonNode container) {
        String service() {
            final JsonNode args = container.path("args");
            return args.size() == 2 && args.get(0).asText().equals("run") ? args.get(1).asText() : "";
        }

        Map<String, String> env() {
            final Map<String, String> env = new LinkedHashMap<>();
            container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
            return env;
        }

        Map<String, String> containerEnv() {
            final Map<String, String> env = new LinkedHashMap<>(DeployFiles.dockerfileEnv());
            env.putAll(env());
            return env;
        }

        Map<String, Integer> ports() {
            final Map<String, Integer> ports = new TreeMap<>();
            container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
            return ports;
        }

        String where() {
            return workload.kind() + "/" + workload.name() + " (" + workload.file().getFileName() + ")";
        }
    }

    @Test
    void shouldParseEveryManifestWhenFilesAreYaml() throws IOException {
        final List<Path> files;
        try (Stream<Path> s = Files.walk(K8S, FileVisitOption.FOLLOW_LINKS)) {
            files = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).toList();
        }
        assertTrue(files.size() >= 10, "want the base and two overlays, got " + files);
        for (Path f : files) {
            for (JsonNode doc : DeployFiles.documents(f)) {
                assertFalse(doc.path("apiVersion").asText().isEmpty(), f + ": a document without apiVersion");
                assertFalse(doc.path("kind").asText().isEmpty(), f + ": a document without kind");
            }
        }
    }

    @Test
    void shouldListEveryFileWhenAKustomizationOwnsADirectory() throws IOException {
        for (String dir : List.of("base", "overlays/dev", "overlays/prod")) {
            final JsonNode k = DeployFiles.document(K8S.resolve(dir).resolve("kustomization.yaml"));
            final Set<String> listed = new TreeSet<>();
            k.path("resources").forEach(r -> listed.add(r.asText()));
            k.path("patches").forEach(p -> listed.add(p.path("path").asText()));
            final Set<String> present;
            try (Stream<Path> s = Files.list(K8S.resolve(dir))) {
                present = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .filter(n -> !n.equals("kustomization.yaml")).collect(Collectors.toCollection(TreeSet::new));
            }
            listed.removeIf(n -> n.startsWith(".."));
            assertEquals(present, listed, dir + ": files vs. resources/patches of its kustomization");
        }
    }

    @Test
    void shouldPatchOnlyExistingResourcesWhenOverlaysRender() {
        final Set<String> base = names(Kustomize.render(K8S.resolve("base")));
        for (String overlay : List.of("overlays/dev", "overlays/prod")) {
            assertEquals(base, names(Kustomize.render(K8S.resolve(overlay))), overlay + " adds or drops resources");
        }
    }

    @Test
    void shouldUseTheNamespaceResourceWhenTheBaseSetsANamespace() {
        final JsonNode k = DeployFiles.document(K8S.resolve("base/kustomization.yaml"));
        final List<Kustomize.Resource> ns = Kustomize.render(K8S.resolve("base")).stream()
            .filter(r -> r.kind().equals("Namespace")).toList();
        assertEquals(1, ns.size());
        assertEquals(ns.getFirst().name(), k.path("namespace").asText());
        final JsonNode images = k.path("images");
        assertEquals(1, images.size());
        assertEquals(DeployFiles.IMAGE, images.get(0).path("name").asText() + ":" + images.get(0).path("newTag")
            .asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void shouldNameRealKeysAndLoadCleanlyWhenContainersCombineConfigMapAndEnv(String dir) throws IOException {
        final List<Kustomize.Resource> rs = Kustomize.render(K8S.resolve(dir));
        final Path config = configFile(rs);
        final List<String> failures = new ArrayList<>();
        for (Pod pod : pods(rs)) {
            pod.env().keySet().stream().filter(k -> k.startsWith("METRICSTREAM_"))
                .filter(k -> DeployFiles.keyForEnv(k).isEmpty())
                .forEach(k -> failures.add(pod.where() + ": " + k + " names no config key of the live tables"));
            ServiceCatalog.peerKeys(pod.service()).stream().filter(k -> !pod.env().containsKey(k.envName()))
                .forEach(k -> failures.add(pod.where() + ": " + k.envName() + " unset, so " + k.name() + " stays "
                    + k.defaultText() + " (the pod's own loopback)"));
            final ConfigOutcome out = new ConfigLoader(DeployFiles.table()).load(Optional.of(config),
                pod.containerEnv(), Map.of());
            if (out instanceof ConfigProblems problems) {
                problems.problems().forEach(p -> failures.add(pod.where() + ": " + p));
            }
        }
        assertEquals(List.of(), failures);
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void shouldRunKnownServicesOnTheirPortsWithProbesWhenWorkloadsRender(String dir) {
        final List<Kustomize.Resource> rs = Kustomize.render(K8S.resolve(dir));
        final Map<String, String> cm = DeployFiles.settings(DeployFiles.parse(configText(rs)));
        final List<String> failures = new ArrayList<>();
        for (Pod pod : pods(rs)) {
            final String svc = pod.service();
            if (!ServiceCatalog.names().contains(svc)) {
                failures.add(pod.where() + ": args " + pod.container().path("args") + " run no known service");
                continue;
            }
            new CommandLine(new MetricStreamCli()).parseArgs("run", svc);
            assertEquals(DeployFiles.IMAGE, pod.container().path("image").asText(), pod.where());
            final Map<String, Integer> want = new TreeMap<>();
            want.put("http", DeployFiles.effectivePort(svc, "http_port", pod.containerEnv(), cm));
            final int binary = DeployFiles.effectivePort(svc, "binary_port", pod.containerEnv(), cm);
            if (binary > 0) {
                want.put("binary", binary);
            }
            if (!want.equals(pod.ports())) {
                failures.add(pod.where() + ": container ports " + pod.ports() + "; the service listens on " + want);
            }
            probe(pod, "readinessProbe", "/ready", failures);
            probe(pod, "livenessProbe", "/health", failures);
            if (pod.container().has("startupProbe")) {
                probe(pod, "startupProbe", "/health", failures);
            }
            for (String part : List.of("requests", "limits")) {
                final JsonNode r = pod.container().path("resources").path(part);
                if (!r.has("cpu") || !r.has("memory")) {
                    failures.add(pod.where() + ": resources." + part + " lacks cpu or memory");
                }
            }
            mounts(pod, rs, failures);
        }
        assertEquals(List.of(), failures);
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void shouldRouteServicesToContainerPortsWhenSelectorsMatchWorkloads(String dir) {
        final List<Kustomize.Resource> rs = Kustomize.render(K8S.resolve(dir));
        final List<String> failures = new ArrayList<>();
        for (Kustomize.Resource s : of(rs, "Service")) {
            final Optional<Pod> pod = selected(rs, s.body().path("spec").path("selector"));
            if (pod.isEmpty()) {
                failures.add("Service/" + s.name() + ": selector matches no workload");
                continue;
            }
            for (JsonNode port : s.body().path("spec").path("ports")) {
                final String target = port.path("targetPort").asText();
                final Integer containerPort = pod.get().ports().get(target);
                if (containerPort == null || containerPort != port.path("port").asInt()) {
                    failures.add("Service/" + s.name() + ": port " + port.path("port").asInt() + " -> " + target
                        + " but " + pod.get().where() + " has " + pod.get().ports());
                }
            }
        }
        for (Kustomize.Resource sts : of(rs, "StatefulSet")) {
            final String svc = sts.body().path("spec").path("serviceName").asText();
            final boolean headless = of(rs, "Service").stream().anyMatch(s -> s.name().equals(svc)
                && s.body().path("spec").path("clusterIP").asText().equals("None"));
            if (!headless) {
                failures.add("StatefulSet/" + sts.name() + ": serviceName " + svc + " is no headless Service");
            }
        }
        for (Kustomize.Resource pdb : of(rs, "PodDisruptionBudget")) {
            if (selected(rs, pdb.body().path("spec").path("selector").path("matchLabels")).isEmpty()) {
                failures.add("PodDisruptionBudget/" + pdb.name() + ": selector matches no workload");
            }
        }
        for (Kustomize.Resource hpa : of(rs, "HorizontalPodAutoscaler")) {
            final JsonNode spec = hpa.body().path("spec");
            final JsonNode ref = spec.path("scaleTargetRef");
            if (of(rs, ref.path("kind").asText()).stream().noneMatch(r -> r.name().equals(ref.path("name").asText()))
                || spec.path("minReplicas").asInt() > spec.path("maxReplicas").asInt()) {
                failures.add("HorizontalPodAutoscaler/" + hpa.name() + ": bad target or min > max");
            }
        }
        assertEquals(List.of(), failures);
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void shouldReachEveryPeerWhenEnvValuesNameServicesAndPods(String dir) {
        final List<Kustomize.Resource> rs = Kustomize.render(K8S.resolve(dir));
        final Map<String, String> cm = DeployFiles.settings(DeployFiles.parse(configText(rs)));
        final List<String> failures = new ArrayList<>();
        for (Pod pod : pods(rs)) {
            pod.env().forEach((k, v) -> {
                if (!k.startsWith("METRICSTREAM_")) {
                    return;
                }
                final Map<String, Set<Integer>> ordinals = new TreeMap<>();
                for (Matcher m : DeployFiles.addresses(v)) {
                    final String what = pod.where() + ": " + k + "=" + v;
                    final Optional<Pod> target = resolveHost(rs, m.group(2), ordinals);
                    if (target.isEmpty()) {
                        failures.add(what + ": " + m.group(2) + " is no Service or StatefulSet pod");
                        continue;
                    }
                    final String kind = m.group(1) != null ? "http_port" : "binary_port";
                    final int port = DeployFiles.effectivePort(target.get().service(), kind,
                        target.get().containerEnv(), cm);
                    if (Integer.parseInt(m.group(3)) != port) {
                        failures.add(what + ": port " + m.group(3) + "; " + target.get().where() + " " + kind + " is "
                            + port);
                    }
                }
                ordinals.forEach((sts, seen) -> {
                    final Set<Integer> all = new TreeSet<>();
                    for (int i = 0; i < replicas(rs, sts); i++) {
                        all.add(i);
                    }
                    if (!all.equals(seen)) {
                        failures.add(pod.where() + ": " + k + " names pods " + seen + " of StatefulSet " + sts
                            + ", which has pods " + all);
                    }
                });
            });
        }
        assertEquals(List.of(), failures);
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void shouldLogJsonOnlyInProdWhenOverlaysSetTheProfile(String dir) {
        final boolean prod = dir.endsWith("prod");
        for (Pod pod : pods(Kustomize.render(K8S.resolve(dir)))) {
            assertEquals(prod ? "prod" : null, pod.env().get("METRICSTREAM_GLOBAL_PROFILE"), pod.where());
        }
        final JsonNode cm = DeployFiles.parse(configText(Kustomize.render(K8S.resolve(dir))));
        assertEquals("dev", cm.path("global").path("profile").asText());
    }

    private static void probe(Pod pod, String probe, String path, List<String> failures) {
        final JsonNode get = pod.container().path(probe).path("httpGet");
        final String port = get.path("port").asText();
        final Integer http = pod.ports().get("http");
        if (!get.path("path").asText().equals(path) || !(port.equals("http") || port.equals(String.valueOf(http)))) {
            failures.add(pod.where() + ": " + probe + " is " + get + "; want GET " + path + " on the http port");
        }
    }

    private static void mounts(Pod pod, List<Kustomize.Resource> rs, List<String> failures) {
        final Map<String, String> mounts = new TreeMap<>();
        pod.container().path("volumeMounts").forEach(m -> mounts.put(m.path("mountPath").asText(),
            m.path("name").asText()));
        final Set<String> volumes = new TreeSet<>();
        final JsonNode spec = pod.workload().body().path("spec");
        spec.path("template").path("spec").path("volumes").forEach(v -> volumes.add(v.path("name").asText()));
        spec.path("volumeClaimTemplates").forEach(v -> volumes.add(v.path("metadata").path("name").asText()));
        for (String path : List.of("/etc/metricstream", "/var/lib/metricstream")) {
            if (!mounts.containsKey(path) || !volumes.contains(mounts.get(path))) {
                failures.add(pod.where() + ": nothing (or an undefined volume) mounted at " + path);
            }
        }
        final boolean configMap = spec.path("template").path("spec").path("volumes").findValues("configMap").stream()
            .anyMatch(c -> c.path("name").asText().equals("metricstream-config"));
        if (!configMap || of(rs, "ConfigMap").isEmpty()) {
            failures.add(pod.where() + ": does not mount ConfigMap metricstream-config");
        }
        if (pod.workload().kind().equals("StatefulSet") && spec.path("volumeClaimTemplates").isEmpty()) {
            failures.add(pod.where() + ": a StatefulSet without volumeClaimTemplates");
        }
    }

    /** The pod {@code host} names: a Service ("query"), or a StatefulSet pod behind a headless Service. */
    private static Optional<Pod> resolveHost(List<Kustomize.Resource> rs, String host, Map<String, Set<Integer>> seen) {
        final String[] labels = host.split("\\.");
        if (labels.length == 1) {
            return of(rs, "Service").stream().filter(s -> s.name().equals(host)).findFirst()
                .flatMap(s -> selected(rs, s.body().path("spec").path("selector")));
        }
        for (Kustomize.Resource sts : of(rs, "StatefulSet")) {
            final String prefix = sts.name() + "-";
            if (sts.body().path("spec").path("serviceName").asText().equals(labels[1])
                && labels[0].startsWith(prefix) && labels[0].substring(prefix.length()).matches("\\d+")) {
                final int ordinal = Integer.parseInt(labels[0].substring(prefix.length()));
                seen.computeIfAbsent(sts.name(), n -> new TreeSet<>()).add(ordinal);
                return ordinal < replicas(rs, sts.name()) ? pods(List.of(sts)).stream().findFirst() : Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static int replicas(List<Kustomize.Resource> rs, String statefulSet) {
        return of(rs, "StatefulSet").stream().filter(r -> r.name().equals(statefulSet)).findFirst()
            .map(r -> r.body().path("spec").path("replicas").asInt(1)).orElse(0);
    }

    private static Optional<Pod> selected(List<Kustomize.Resource> rs, JsonNode selector) {
        final List<Pod> matches = pods(rs).stream().filter(p -> {
            final JsonNode labels = p.workload().body().path("spec").path("template").path("metadata").path("labels");
            for (Iterator<Map.Entry<String, JsonNode>> it = selector.fields(); it.hasNext();) {
                final Map.Entry<String, JsonNode> e = it.next();
                if (!labels.path(e.getKey()).asText().equals(e.getValue().asText())) {
                    return false;
                }
            }
            return selector.size() > 0;
        }).toList();
        return matches.size() == 1 ? Optional.of(matches.getFirst()) : Optional.empty();
    }

    private static List<Pod> pods(List<Kustomize.Resource> rs) {
        final List<Pod> out = new ArrayList<>();
        for (Kustomize.Resource r : rs) {
            if (WORKLOADS.contains(r.kind())) {
                r.body().path("spec").path("template").path("spec").path("containers")
                    .forEach(c -> out.add(new Pod(r, c)));
            }
        }
        return out;
    }

    private static List<Kustomize.Resource> of(List<Kustomize.Resource> rs, String kind) {
        return rs.stream().filter(r -> r.kind().equals(kind)).toList();
    }

    private static Set<String> names(List<Kustomize.Resource> rs) {
        return rs.stream().map(r -> r.kind() + "/" + r.name()).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String configText(List<Kustomize.Resource> rs) {
        final List<Kustomize.Resource> cms = of(rs, "ConfigMap").stream()
            .filter(r -> r.name().equals("metricstream-config")).toList();
        assertEquals(1, cms.size(), "ConfigMap metricstream-config");
        final String text = cms.getFirst().body().path("data").path("metricstream.yml").asText();
        assertFalse(text.isBlank(), "ConfigMap metricstream-config has no metricstream.yml");
        return text;
    }

    private Path configFile(List<Kustomize.Resource> rs) throws IOException {
        return Files.writeString(tmp.resolve("metricstream.yml"), configText(rs), StandardCharsets.UTF_8);
    }
}
