package io.metricstream.launcher.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.metricstream.launcher.MetricStreamCli;
import io.metricstream.launcher.cluster.ClusterInstance;
import io.metricstream.launcher.cluster.ClusterTopology;
import io.metricstream.launcher.cluster.ServiceCatalog;
import io.metricstream.runtime.config.ConfigLoader;
import io.metricstream.runtime.config.ConfigOutcome;
import io.metricstream.runtime.config.ConfigProblems;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Static checks of docker-compose.yml against the live config tables, the CLI and the local cluster topology; plus
 * {@code docker-compose config} when the binary is installed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ComposeFileTest {
    private static final String DATA = "/var/lib/metricstream";
    private static final String CONFIG_TARGET = "/etc/metricstream/metricstream.yml";

    private static Path file;
    private static JsonNode compose;
    private static Map<String, String> example;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        file = DeployFiles.root().resolve("docker-compose.yml");
        compose = DeployFiles.document(file);
        example = DeployFiles.settings(DeployFiles.document(DeployFiles.root().resolve("metricstream.example.yml")));
    }

    @Test
    void shouldNameRealConfigKeysWhenComposeSetsMetricStreamEnv() {
        final List<String> failures = new ArrayList<>();
        services().forEach((name, svc) -> env(svc).keySet().stream().filter(k -> k.startsWith("METRICSTREAM_"))
            .filter(k -> DeployFiles.keyForEnv(k).isEmpty())
            .forEach(k -> failures.add(name + ": " + k + " names no config key of the live tables")));
        assertEquals(List.of(), failures);
    }

    @Test
    void shouldOverrideEveryPeerAddressWhenAServiceDeclaresOne() {
        final List<String> failures = new ArrayList<>();
        services().forEach((name, svc) -> {
            if (runService(svc) != null) {
                ServiceCatalog.peerKeys(runService(svc)).stream().filter(k -> !env(svc).containsKey(k.envName()))
                    .forEach(k -> failures.add(name + ": " + k.envName() + " unset, so " + k.name() + " stays "
                        + k.defaultText() + " (the container's own loopback)"));
            }
        });
        assertEquals(List.of(), failures);
    }

    @Test
    void shouldLoadEveryContainersConfigWhenExampleFileImageEnvAndComposeEnvCombine() {
        final List<String> failures = new ArrayList<>();
        final Path exampleFile = DeployFiles.root().resolve("metricstream.example.yml");
        services().forEach((name, svc) -> {
            if (runService(svc) == null) {
                return;
            }
            final ConfigOutcome out = new ConfigLoader(DeployFiles.table()).load(Optional.of(exampleFile),
                containerEnv(svc), Map.of());
            if (out instanceof ConfigProblems problems) {
                problems.problems().forEach(p -> failures.add(name + ": " + p));
            }
        });
        assertEquals(List.of(), failures);
    }

    @Test
    void shouldPublishAndProbeTheServicePortsWhenComposeMapsPorts() {
        final List<String> failures = new ArrayList<>();
        final Set<String> hostPorts = new HashSet<>();
        services().forEach((name, svc) -> {
            final String service = runService(svc);
            if (service == null) {
                return;
            }
            final Map<String, String> env = containerEnv(svc);
            final int http = DeployFiles.effectivePort(service, "http_port", env, example);
            final int binary = DeployFiles.effectivePort(service, "binary_port", env, example);
            for (String mapping : strings(svc.path("ports"))) {
                final String[] parts = mapping.replace("/tcp", "").split(":");
                final int container = Integer.parseInt(parts[parts.length - 1]);
                if (container != http && container != binary) {
                    failures.add(name + ": publishes container port " + container + "; want " + http
                        + (binary > 0 ? " or " + binary : ""));
                }
                if (parts.length != 3 || !parts[0].equals("127.0.0.1")) {
                    failures.add(name + ": port " + mapping + " is not bound on 127.0.0.1");
                }
                if (!hostPorts.add(parts[parts.length - 2])) {
                    failures.add(name + ": host port " + parts[parts.length - 2] + " published twice");
                }
            }
            final List<String> test = strings(svc.path("healthcheck").path("test"));
            final String probe = "http://127.0.0.1:" + http + "/ready";
            if (!test.contains(probe)) {
                failures.add(name + ": healthcheck " + test + " does not GET " + probe);
            }
        });
        assertEquals(List.of(), failures);
    }

    @Test
    void shouldReferenceExistingServicesAndTheirPortsWhenEnvValuesNameAddresses() {
        final List<String> failures = new ArrayList<>();
        final Map<String, JsonNode> services = services();
        services.forEach((name, svc) -> env(svc).forEach((k, v) -> {
            if (!k.startsWith("METRICSTREAM_")) {
                return;
            }
            for (Matcher m : DeployFiles.addresses(v)) {
                final String host = m.group(2);
                final JsonNode target = services.get(host);
                if (target == null || runService(target) == null) {
                    failures.add(name + ": " + k + "=" + v + " names " + host + ", which is no MetricStream service");
                    continue;
                }
                final String kind = m.group(1) != null ? "http_port" : "binary_port";
                final int want = DeployFiles.effectivePort(runService(target), kind, containerEnv(target), example);
                if (Integer.parseInt(m.group(3)) != want) {
                    failures.add(name + ": " + k + "=" + v + " uses port " + m.group(3) + "; " + host + "'s "
                        + kind + " is " + want);
                }
            }
        }));
        assertEquals(List.of(), failures);
    }

    @Test
    void shouldUseTheOneImageWhenAnyServiceNamesAnImage() {
        services().forEach((name, svc) -> assertEquals(DeployFiles.IMAGE, svc.path("image").asText(), name));
    }

    @Test
    void shouldWaitForHealthyExistingServicesWhenDependsOnIsSet() {
        final Map<String, JsonNode> services = services();
        services.forEach((name, svc) -> fields(svc.path("depends_on")).forEach((dep, cond) -> {
            assertTrue(services.containsKey(dep), name + " depends on missing service " + dep);
            assertEquals("service_healthy", cond.path("condition").asText(), name + " -> " + dep);
            assertTrue(services.get(dep).path("profiles").isMissingNode(), name + " depends on profiled " + dep);
        }));
    }

    @Test
    void shouldKeepDataOnNamedVolumesAndMountTheExampleConfigWhenServicesRun() {
        final Set<String> declared = fields(compose.path("volumes")).keySet();
        final List<String> failures = new ArrayList<>();
        services().forEach((name, svc) -> {
            if (runService(svc) == null) {
                return;
            }
            final List<String> mounts = strings(svc.path("volumes"));
            if (!mounts.contains("./metricstream.example.yml:" + CONFIG_TARGET + ":ro")) {
                failures.add(name + ": does not mount ./metricstream.example.yml at " + CONFIG_TARGET);
            }
            final boolean stateful = Set.of("queue", "storage", "alert").contains(runService(svc));
            final Optional<String> data = mounts.stream().filter(m -> m.endsWith(":" + DATA)).findFirst();
            if (stateful && data.isEmpty()) {
                failures.add(name + ": keeps its data in no named volume at " + DATA);
            }
            data.map(m -> m.substring(0, m.indexOf(':'))).filter(v -> !declared.contains(v))
                .ifPresent(v -> failures.add(name + ": volume " + v + " is not declared under volumes:"));
        });
        assertEquals(List.of(), failures);
    }

    @Test
    void shouldMatchTheLocalClusterWhenComposeDefinesTheTopology() {
        final ClusterTopology topology = ClusterTopology.compose(ClusterTopology.DEFAULT_BASE_PORT);
        final Map<String, JsonNode> services = services();
        final Set<String> running = new TreeSet<>();
        services.forEach((n, s) -> {
            if (s.path("profiles").isMissingNode()) {
                running.add(n);
            }
        });
        assertEquals(new TreeSet<>(topology.names()), running);
        for (ClusterInstance i : topology.instances()) {
            final JsonNode svc = services.get(i.name());
            assertEquals(i.service(), runService(svc), i.name());
            assertEquals(new TreeSet<>(i.dependsOn()), new TreeSet<>(fields(svc.path("depends_on")).keySet()),
                i.name() + " depends_on");
            final Set<String> wiring = new TreeSet<>();
            final Map<String, String> settings = topology.settings(i, tmp);
            settings.keySet().stream()
                .filter(k -> !k.equals("global.data_dir") && !k.endsWith("_port"))
                .forEach(k -> wiring.add(ClusterTopology.envName(k)));
            final Set<String> composeWiring = new TreeSet<>(env(svc).keySet());
            composeWiring.removeIf(k -> !k.matches(".*_(ADDRESS|ADDRESSES|URL|PARTITIONS)")
                || k.endsWith("_BIND_ADDRESS"));
            assertEquals(wiring, composeWiring, i.name() + " wiring env");
            final String partitions = settings.get("queue.default_partitions");
            if (partitions != null) {
                assertEquals(partitions, env(svc).get("METRICSTREAM_QUEUE_DEFAULT_PARTITIONS"),
                    i.name() + " partitions");
            }
        }
        assertEquals(2, topology.instancesOf("storage").size());
    }

    @Test
    void shouldParseEveryCommandWhenTheCliReadsIt() throws Exception {
        final List<String> failures = new ArrayList<>();
        final Map<String, JsonNode> services = services();
        for (Map.Entry<String, JsonNode> e : services.entrySet()) {
            final List<String> command = strings(e.getValue().path("command"));
            final List<String> entrypoint = strings(e.getValue().path("entrypoint"));
            final Object cli = entrypoint.isEmpty() ? new MetricStreamCli()
                : Class.forName(entrypoint.getLast()).getDeclaredConstructor().newInstance();
            try {
                new CommandLine(cli).parseArgs(command.toArray(String[]::new));
            } catch (CommandLine.ParameterException ex) {
                failures.add(e.getKey() + ": " + command + " rejected: " + ex.getMessage());
            }
            if (entrypoint.isEmpty() && !ServiceCatalog.names().contains(runService(e.getValue()))) {
                failures.add(e.getKey() + ": " + command + " runs no known service " + ServiceCatalog.names());
            }
        }
        assertEquals(List.of(), failures);
        assertEquals(List.of("loadgen"), strings(services.get("loadgen").path("profiles")));
    }

    @Test
    void shouldPassDockerComposeConfigWhenTheBinaryIsInstalled() throws Exception {
        final Optional<Path> bin = onPath("docker-compose");
        Assumptions.assumeTrue(bin.isPresent(), "SKIPPED: docker-compose is not on PATH, so `docker-compose config`"
            + " did not check docker-compose.yml (Debian: apt-get install -y docker-compose)");
        for (List<String> profile : List.of(List.<String>of(), List.of("--profile", "loadgen"))) {
            final List<String> cmd = new ArrayList<>(List.of(bin.get().toString()));
            cmd.addAll(profile);
            cmd.addAll(List.of("-f", file.toString(), "config", "-q"));
            final Path log = tmp.resolve("compose.log");
            final Process p = new ProcessBuilder(cmd).directory(DeployFiles.root().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("docker-compose config did not finish in 30 s");
            }
            assertEquals(0, p.exitValue(), cmd + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
    }

    private static Optional<Path> onPath(String binary) {
        final String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            final Path candidate = Path.of(dir, binary);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static Map<String, JsonNode> services() {
        return fields(compose.path("services"));
    }

    private static Map<String, JsonNode> fields(JsonNode node) {
        final Map<String, JsonNode> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            final Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    private static List<String> strings(JsonNode node) {
        final List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The compose environment of {@code svc} (mapping or list form). */
    private static Map<String, String> env(JsonNode svc) {
        final Map<String, String> env = new LinkedHashMap<>();
        final JsonNode e = svc.path("environment");
        if (e.isArray()) {
            e.forEach(n -> {
                final String s = n.asText();
                env.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
            });
        } else {
            fields(e).forEach((k, v) -> env.put(k, v.asText()));
        }
        return env;
    }

    /** What the container sees: the image's ENV, then the compose environment. */
    private static Map<String, String> containerEnv(JsonNode svc) {
        final Map<String, String> env = new LinkedHashMap<>(DeployFiles.dockerfileEnv());
        env.putAll(env(svc));
        return env;
    }

    /** The service of {@code command: ["run", X]}, else null. */
    private static String runService(JsonNode svc) {
        final List<String> cmd = strings(svc.path("command"));
        return svc.path("entrypoint").isMissingNode() && cmd.size() >= 2 && cmd.get(0).equals("run") ? cmd.get(1)
            : null;
    }
}
