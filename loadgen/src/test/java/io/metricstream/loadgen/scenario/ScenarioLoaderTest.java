package io.metricstream.loadgen.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScenarioLoaderTest {
    private static final Path DIR = Path.of("scenarios");   // surefire runs in the module directory

    @Test
    void shouldLoadEveryShippedScenarioWhenListed() throws Exception {
        final List<String> names = ScenarioLoader.list(DIR);
        assertTrue(names.containsAll(List.of("startup", "enterprise", "spike", "canary-failure", "cardinality-bomb",
            "seed-craft1")), names.toString());
        for (String name : names) {
            final ScenarioLoader.Loaded l = ScenarioLoader.find(name, DIR);
            assertTrue(l.ok(), name + ": " + l.problems());
            assertEquals(name, l.plan().name());
        }
        // The jar's copy (index.txt) lists the same scenarios.
        assertEquals(names, ScenarioLoader.list(Path.of("no-such-dir")));
    }

    @Test
    void shouldResolveSizesWhenScenariosDescribeTheirLoad() throws Exception {
        assertEquals(200_000, ScenarioLoader.find("enterprise", DIR).plan().seriesCount());
        assertEquals(500, ScenarioLoader.find("startup", DIR).plan().seriesCount());
        final RunPlan spike = ScenarioLoader.find("spike", DIR).plan();
        assertEquals(10.0, spike.stages().get(1).rateSamplesPerSecond() / spike.stages().get(0).rateSamplesPerSecond());
        final RunPlan seed = ScenarioLoader.find("seed-craft1", DIR).plan();
        assertEquals(List.of(50, 100, 150), seed.stages().stream().map(RunPlan.StagePlan::connections).toList());
        assertEquals(List.of(10L, 10L, 8L), seed.stages().stream().map(RunPlan.StagePlan::requestsPerConnection)
            .toList());
        assertTrue(seed.stages().stream().allMatch(s -> s.batch() == 1 && !s.open()));
        assertEquals("json", seed.format());
    }

    private static void f(final String yaml, final String expectedProblem) {
        final ScenarioLoader.Loaded l = ScenarioLoader.parse("x.yml", yaml);
        assertFalse(l.ok(), yaml);
        assertTrue(l.problems().stream().anyMatch(p -> p.startsWith(expectedProblem)), l.problems().toString());
    }

    @Test
    void shouldNameFileAndLineWhenYamlIsBad() {
        f("name: x\nstages:\n  - {name: a, rate: 5, bogus: 1}\n", "x.yml:3: ");
        f("name: x\nstages:\n  - {name: a\n  mode: [\n", "x.yml:4: ");
        f("name: x\nname: y\nstages: []\n", "x.yml:2: ");
        f("name: x\nstages:\n  - {connections: many}\n", "x.yml:3: ");
        f("", "x.yml:1: ");
    }

    @Test
    void shouldCollectEverySemanticProblemWhenValuesAreOutOfRange() {
        final ScenarioLoader.Loaded l = ScenarioLoader.parse("x.yml", """
            name: x
            target: {format: xml}
            source: {shapes: [zigzag], label_cardinality: 0}
            stages:
              - {mode: open, connections: 0, duration: 2h}
            """);
        assertFalse(l.ok());
        assertEquals(List.of(
            "x.yml: target.format: got \"xml\"; want json, lp, remote-write, prom or queue",
            "x.yml: source.shapes: got \"zigzag\"; want random-walk, counter, sine, spikes or gaps",
            "x.yml: source.label_cardinality: got 0; want >= 1",
            "x.yml: stages[0].rate: got null; want > 0 samples/s in open loop",
            "x.yml: stages[0].connections: got 0; want 1..10000",
            "x.yml: stages[0].duration: got \"2h\"; want a duration up to 1h, e.g. 30s"), l.problems());
    }

    @Test
    void shouldParseDurationsWhenUnitsVary() {
        assertEquals(500_000_000L, Durations.parseNanos("500ms"));
        assertEquals(20_000_000_000L, Durations.parseNanos("20s"));
        assertEquals(90_000_000_000L, Durations.parseNanos("1.5m"));
        assertEquals(3_600_000_000_000L, Durations.parseNanos("1h"));
        assertEquals(-1, Durations.parseNanos("soon"));
        assertEquals(-1, Durations.parseNanos("5 parsecs"));
    }
}
