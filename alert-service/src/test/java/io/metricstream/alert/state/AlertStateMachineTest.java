package io.metricstream.alert.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.metricstream.alert.rule.AlertingRule;
import io.metricstream.alert.rule.RuleGroup;
import io.metricstream.alert.rule.RuleLoader;
import io.metricstream.testsupport.TempDirs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AlertStateMachineTest {
    private static final List<ResultSeries> BREACH = List.of(new ResultSeries(Map.of("__name__", "x", "host", "a"),
        5));
    private static final List<ResultSeries> CLEAR = List.of();

    private static AlertingRule rule(String forText, String keepText) {
        final RuleGroup g = RuleLoader.parse("r.yml", """
            groups:
              - name: g
                rules:
                  - alert: A
                    expr: x > 1
                    for: %for
                    keep_firing_for: %keep
                    labels: {severity: "{{ $labels.host }}-sev"}
                    annotations: {v: "{{ $value }}"}
            """.replace("%for", forText).replace("%keep", keepText)).groups().getFirst();
        return (AlertingRule) g.rules().getFirst();
    }

    /** Runs (time, results) steps and returns the state after each ("-" when no alert). */
    private static List<String> run(AlertingRule rule, Object... steps) {
        final AlertStateMachine m = new AlertStateMachine(rule, Map.of());
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < steps.length; i += 2) {
            @SuppressWarnings("unchecked") final List<ResultSeries> r = (List<ResultSeries>) steps[i + 1];
            assertNull(m.evaluate(r, (Long) steps[i], 0, 1));
            out.add(m.size() == 0 ? "-" : m.alerts().iterator().next().state().apiName());
        }
        return out;
    }

    @Test
    void shouldFollowPrometheusLifecycleWhenResultsComeAndGo() {
        assertEquals(List.of("firing", "firing", "inactive"), run(rule("0s", "0s"), 0L, BREACH, 1000L, BREACH,
            2000L, CLEAR));
        assertEquals(List.of("pending", "pending", "firing", "inactive"), run(rule("2s", "0s"), 0L, BREACH,
            1000L, BREACH, 2000L, BREACH, 3000L, CLEAR));
        assertEquals(List.of("pending", "-", "pending"), run(rule("2s", "0s"), 0L, BREACH, 1000L, CLEAR,
            2000L, BREACH));
        assertEquals(List.of("firing", "firing", "firing", "inactive"), run(rule("0s", "2s"), 0L, BREACH, 1000L,
            CLEAR, 2000L, CLEAR, 3000L, CLEAR));
        assertEquals(List.of("firing", "firing", "firing", "firing"), run(rule("0s", "2s"), 0L, BREACH, 1000L,
            CLEAR, 2000L, BREACH, 3500L, CLEAR));
        assertEquals(List.of("pending", "firing", "inactive", "pending"), run(rule("1s", "0s"), 0L, BREACH,
            1000L, BREACH, 2000L, CLEAR, 3000L, BREACH));
    }

    @Test
    void shouldRefireAsNewAlertWhenResolvedAlertReturns() {
        final AlertStateMachine m = new AlertStateMachine(rule("1s", "0s"), Map.of());
        m.evaluate(BREACH, 0, 0, 1);
        m.evaluate(BREACH, 1000, 0, 1);
        assertEquals(AlertState.FIRING, m.state());
        m.evaluate(CLEAR, 2000, 0, 1);
        assertEquals(AlertState.INACTIVE, m.state());
        m.evaluate(BREACH, 3000, 0, 1);
        final Alert a = m.alerts().iterator().next();
        assertEquals(AlertState.PENDING, a.state());
        assertEquals(3000, a.activeAtMs());
        m.evaluate(CLEAR, 3000 + AlertStateMachine.RESOLVED_RETENTION_MS + 1, 0, 1);
        assertEquals(0, m.size());
    }

    @Test
    void shouldBuildLabelsAndAnnotationsWhenTemplated() {
        final AlertStateMachine m = new AlertStateMachine(rule("0s", "0s"), Map.of());
        m.evaluate(BREACH, 0, 0, 1);
        final Alert a = m.alerts().iterator().next();
        assertEquals(Map.of("alertname", "A", "host", "a", "severity", "a-sev"), a.labels());
        assertEquals(Map.of("v", "5"), a.annotations());
    }

    @Test
    void shouldDropAllAlertsWhenLimitExceeded() {
        final AlertStateMachine m = new AlertStateMachine(rule("0s", "0s"), Map.of());
        final List<ResultSeries> two = List.of(new ResultSeries(Map.of("host", "a"), 2),
            new ResultSeries(Map.of("host", "b"), 2));
        assertEquals("exceeded limit of 1 with 2 alerts", m.evaluate(two, 0, 1, 1));
        assertEquals(0, m.size());
        assertNull(m.evaluate(two, 0, 2, 1));
        assertEquals(2, m.size());
    }

    @Test
    void shouldFireFromArrivingSampleAndHoldItWhenQueryLagsWithinGrace() {
        final AlertStateMachine m = new AlertStateMachine(rule("0s", "0s"), Map.of());
        final Alert a = m.observe(new ResultSeries(Map.of("__name__", "x", "host", "a"), 5), true, 1000);
        assertEquals(AlertState.FIRING, a.state());
        m.evaluate(CLEAR, 1100, 0, 5000);
        assertEquals(AlertState.FIRING, a.state(), "storage lag: held by the direct observation");
        m.observe(new ResultSeries(Map.of("__name__", "x", "host", "a"), 0), false, 1200);
        m.evaluate(CLEAR, 1300, 0, 5000);
        assertEquals(AlertState.INACTIVE, a.state(), "a non-breaching sample withdraws it");
    }

    @Test
    void shouldRestorePendingProgressWhenStateIsPersisted() throws Exception {
        final Path dir = TempDirs.create("state");
        try {
            final AlertingRule rule = rule("10s", "0s");
            final AlertStateMachine m = new AlertStateMachine(rule, Map.of());
            m.evaluate(BREACH, 1000, 0, 1);
            new StateStore(dir).save(Map.of("k", m));
            final AlertStateMachine restored = new AlertStateMachine(rule, Map.of());
            assertEquals(1, new StateStore(dir).restore(Map.of("k", restored)));
            restored.evaluate(BREACH, 11_000, 0, 1);
            final Alert a = restored.alerts().iterator().next();
            assertEquals(1000, a.activeAtMs());
            assertEquals(AlertState.FIRING, a.state(), "for: progress kept across the restart");
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }
}
