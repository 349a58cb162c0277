package io.metricstream.alert.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.testsupport.TempDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RuleLoaderTest {
    private static final String VALID = """
        groups:
          - name: node
            interval: 30s
            limit: 10
            rules:
              - record: job:cpu:avg
                expr: avg by (job) (rate(cpu_seconds_total[5m]))
                labels:
                  team: infra
              - alert: HighCpu
                expr: job:cpu:avg > 0.9
                for: 5m
                keep_firing_for: 1m
                labels:
                  severity: page
                annotations:
                  summary: "{{ $labels.job }} at {{ humanizePercentage $value }}"
        """;

    /** Loads {@code text} and asserts exactly the one problem {@code want}. */
    private static void f(String text, String want) {
        final RuleSet set = RuleLoader.parse("rules.yml", text);
        assertEquals(List.of(want), set.problems(), text);
    }

    @Test
    void shouldLoadGroupsAndRulesWhenFileIsValid() {
        final RuleSet set = RuleLoader.parse("rules.yml", VALID);
        assertTrue(set.valid(), set.problems()::toString);
        final RuleGroup g = set.groups().getFirst();
        assertEquals("node", g.name());
        assertEquals(30_000, g.intervalMs());
        assertEquals(10, g.limit());
        final RecordingRule rec = assertInstanceOf(RecordingRule.class, g.rules().get(0));
        assertEquals("job:cpu:avg", rec.name());
        assertEquals("infra", rec.labels().get("team"));
        final AlertingRule alert = assertInstanceOf(AlertingRule.class, g.rules().get(1));
        assertEquals(300_000, alert.forMs());
        assertEquals(60_000, alert.keepFiringForMs());
        assertEquals(10, alert.line());
        assertEquals("page", alert.labels().get("severity"));
        assertEquals(java.util.Set.of("cpu_seconds_total"), rec.metricNames());
        assertEquals(java.util.Set.of("job:cpu:avg"), alert.metricNames());
        assertEquals("job:cpu:avg", alert.threshold().metric());
    }

    @Test
    void shouldReportFileAndLineWhenRuleIsInvalid() {
        f(VALID.replace("for: 5m", "for: 5x"),
            "rules.yml:12: groups[0].rules[1].for: got \"5x\"; want a duration like 5m");
        f(VALID.replace("interval: 30s", "interval: soon"),
            "rules.yml:3: groups[0].interval: got \"soon\"; want a duration like 1m");
        f(VALID.replace("limit: 10", "limit: -1"), "rules.yml:4: groups[0].limit: got \"-1\"; want an integer >= 0");
        f(VALID.replace("> 0.9", "> (0.9"), "rules.yml:11: groups[0].rules[1].expr: unclosed '('");
        f(VALID.replace("expr: job:cpu:avg > 0.9", "expr: \"\""),
            "rules.yml:11: groups[0].rules[1].expr: empty expression");
        f(VALID.replace("record: job:cpu:avg", "record: 1bad"),
            "rules.yml:6: groups[0].rules[0].record: got \"1bad\"; want a valid metric name");
        f(VALID.replace("severity: page", "__x: page"),
            "rules.yml:15: groups[0].rules[1].labels.__x: invalid label name");
        f(VALID.replace("keep_firing_for", "keep_fireing_for"), "rules.yml:13: groups[0].rules[1].keep_fireing_for: "
            + "unknown field; want one of [alert, annotations, expr, for, keep_firing_for, labels]");
        f(VALID.replace("{{ humanizePercentage $value }}", "{{ if $value }}"), "rules.yml:17: groups[0].rules[1]"
            + ".annotations.summary: bad template: unsupported: \"if\" (supported: values, printf and humanize"
            + " functions, pipelines) in {{ if $value }}");
        f(VALID.replace("  - record: job:cpu:avg\n", "  - record: job:cpu:avg\n        alert: X\n"),
            "rules.yml:6: groups[0].rules[0]: only one of alert and record may be set");
        f(VALID + """
              - name: node
                rules: []
            """, "rules.yml:18: groups[1].name: duplicate group name \"node\"");
        f(VALID.replace("  - record: job:cpu:avg\n        expr",
                "  - record: job:cpu:avg\n        for: 1m\n        expr"),
            "rules.yml:7: groups[0].rules[0].for: unknown field; want one of [expr, labels, record]");
        f("groups: [", "rules.yml:1: yaml syntax: while parsing a flow node; expected the node content, but found"
            + " '<stream end>'");
    }

    @Test
    void shouldExpandGlobsAndReportMissingFilesWhenLoadingFromDisk() throws Exception {
        final Path dir = TempDirs.create("rules");
        try {
            Files.writeString(dir.resolve("a.rules.yml"), VALID, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("b.rules.yml"), VALID.replace("name: node", "name: other"),
                StandardCharsets.UTF_8);
            final RuleSet set = RuleLoader.load(List.of(dir.resolve("*.rules.yml").toString(),
                dir.resolve("none-*.yml").toString()));
            assertTrue(set.valid(), set.problems()::toString);
            assertEquals(2, set.groups().size());
            final RuleSet missing = RuleLoader.load(List.of(dir.resolve("absent.yml").toString()));
            assertEquals(List.of(dir.resolve("absent.yml") + ":0: rule file not found"), missing.problems());
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }
}
