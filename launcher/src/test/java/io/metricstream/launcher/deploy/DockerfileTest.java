package io.metricstream.launcher.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.metricstream.launcher.MetricStreamCli;
import io.metricstream.launcher.cluster.ServiceCatalog;
import io.metricstream.runtime.config.ConfigKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** Static checks of the Dockerfile (no Docker engine here): stages, caching, user, entry point, ports, health. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DockerfileTest {
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    private static Dockerfile docker;

    @BeforeAll
    static void load() {
        docker = Dockerfile.read(DeployFiles.root().resolve("Dockerfile"));
    }

    @Test
    void shouldBuildWithMavenAndRunOnAJreWhenStagesAreDeclared() {
        final List<String> from = docker.all("FROM").stream().map(Dockerfile.Instruction::arguments).toList();
        assertEquals(List.of("maven:3-eclipse-temurin-21 AS build", "eclipse-temurin:21-jre"), from);
        assertTrue(docker.all("COPY").stream().anyMatch(c -> c.arguments().startsWith("--from=build ")),
            "the runtime stage copies the build output");
    }

    @Test
    void shouldCopyEveryModulePomBeforeGoOfflineWhenCachingDependencies() throws IOException {
        final String rootPom = Files.readString(DeployFiles.root().resolve("pom.xml"), StandardCharsets.UTF_8);
        final Set<String> modules = new TreeSet<>();
        final Matcher m = MODULE.matcher(rootPom);
        while (m.find()) {
            modules.add(m.group(1));
        }
        final List<Dockerfile.Instruction> all = docker.instructions();
        final int goOffline = indexOf(all, "RUN", "dependency:go-offline");
        final int copyAll = indexOf(all, "COPY", ". .");
        assertTrue(goOffline > 0 && copyAll > goOffline, "poms, go-offline, then the sources");
        final Set<String> copied = new TreeSet<>();
        for (Dockerfile.Instruction i : all.subList(0, goOffline)) {
            final Matcher pom = Pattern.compile("^([a-z-]+)/pom\\.xml ").matcher(i.arguments());
            if (i.keyword().equals("COPY") && pom.find()) {
                copied.add(pom.group(1));
            }
        }
        assertEquals(modules, copied, "every module's pom is copied before dependency:go-offline");
    }

    @Test
    void shouldRunTheCliAsNonRootWhenTheContainerStarts() throws Exception {
        final List<String> user = docker.all("USER").stream().map(Dockerfile.Instruction::arguments).toList();
        assertEquals(1, user.size());
        assertFalse(user.getFirst().startsWith("root") || user.getFirst().startsWith("0"), user.getFirst());
        final List<String> entry = Dockerfile.execForm(docker.all("ENTRYPOINT").getLast().arguments());
        assertEquals("java", entry.getFirst());
        assertEquals(MetricStreamCli.class.getName(), entry.getLast());
        final List<String> cmd = Dockerfile.execForm(docker.all("CMD").getLast().arguments());
        assertEquals(List.of("run", "ingestion"), cmd);
        new CommandLine(new MetricStreamCli()).parseArgs(cmd.toArray(String[]::new));
        assertTrue(ServiceCatalog.names().contains(cmd.get(1)));
    }

    @Test
    void shouldNameRealKeysAndKeepDataUnderVarLibWhenEnvIsSet() {
        final Map<String, String> env = DeployFiles.dockerfileEnv();
        final List<String> unknown = env.keySet().stream().filter(k -> k.startsWith("METRICSTREAM_"))
            .filter(k -> DeployFiles.keyForEnv(k).isEmpty()).toList();
        assertEquals(List.of(), unknown, "METRICSTREAM_* variables that name no config key of the live tables");
        assertEquals("/var/lib/metricstream", env.get("METRICSTREAM_GLOBAL_DATA_DIR"));
        assertEquals(List.of("[\"/var/lib/metricstream\"]"), docker.all("VOLUME").stream()
            .map(Dockerfile.Instruction::arguments).toList());
        for (String service : ServiceCatalog.names()) {
            assertEquals("0.0.0.0", env.get("METRICSTREAM_" + service.toUpperCase(java.util.Locale.ROOT)
                + "_BIND_ADDRESS"), service + " must listen beyond the container's loopback");
        }
    }

    @Test
    void shouldExposeEveryDefaultPortAndProbeReadyWhenHealthChecking() {
        final Set<Integer> defaults = new TreeSet<>();
        for (ConfigKey<?> k : DeployFiles.table().keys()) {
            if (k.shortName().equals("http_port") || k.shortName().equals("binary_port")) {
                defaults.add(((Number) k.defaultValue()).intValue());
            }
        }
        final Set<Integer> exposed = new TreeSet<>();
        for (Dockerfile.Instruction i : docker.all("EXPOSE")) {
            for (String p : i.arguments().split("\\s+")) {
                exposed.add(Integer.parseInt(p));
            }
        }
        assertEquals(defaults, exposed);
        final String health = docker.all("HEALTHCHECK").getLast().arguments();
        assertTrue(health.contains("http://127.0.0.1:${HEALTHCHECK_PORT}/ready"), health);
        final int ingestionHttp = ((Number) DeployFiles.table().find("ingestion.http_port").defaultValue()).intValue();
        assertEquals(Integer.toString(ingestionHttp), DeployFiles.dockerfileEnv().get("HEALTHCHECK_PORT"),
            "the default health port is the default command's (run ingestion)");
        assertTrue(health.contains("curl"), health);
        assertTrue(docker.all("RUN").stream().anyMatch(r -> r.arguments().contains("install -y --no-install-recommends"
            + " curl")), "the runtime stage installs the curl the health check uses");
    }

    @Test
    void shouldKeepBuildOutputOutOfTheContextWhenDockerignoreIsRead() throws IOException {
        final List<String> lines = new ArrayList<>();
        for (String l : Files.readAllLines(DeployFiles.root().resolve(".dockerignore"), StandardCharsets.UTF_8)) {
            if (!l.isBlank() && !l.startsWith("#")) {
                lines.add(l.strip());
            }
        }
        assertTrue(lines.containsAll(List.of("**/target/", "data/", ".git/")), lines.toString());
        assertFalse(lines.stream().anyMatch(l -> l.equals("pom.xml") || l.endsWith("src/")), lines.toString());
    }

    @Test
    void shouldTagOneImageEverywhereWhenDocsAndManifestsNameIt() throws IOException {
        final JsonNode compose = DeployFiles.document(DeployFiles.root().resolve("docker-compose.yml"));
        compose.path("services").forEach(s -> assertEquals(DeployFiles.IMAGE, s.path("image").asText()));
        final Pattern image = Pattern.compile("metricstream/metricstream:([A-Za-z0-9._-]+)");
        final List<Path> texts = new ArrayList<>(List.of(DeployFiles.root().resolve("Dockerfile"),
            DeployFiles.root().resolve("docker-compose.yml"), DeployFiles.root().resolve("docs/ops/deployment.md")));
        try (var s = Files.walk(DeployFiles.root().resolve("k8s"), java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            s.filter(Files::isRegularFile).forEach(texts::add);
        }
        final Set<String> tags = new TreeSet<>();
        for (Path p : texts) {
            final Matcher m = image.matcher(Files.readString(p, StandardCharsets.UTF_8));
            while (m.find()) {
                tags.add(m.group(1));
            }
        }
        assertEquals(Set.of(DeployFiles.IMAGE.substring(DeployFiles.IMAGE.indexOf(':') + 1)), tags);
    }

    private static int indexOf(List<Dockerfile.Instruction> all, String keyword, String text) {
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).keyword().equals(keyword) && all.get(i).arguments().contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
