package io.metricstream.alert.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RoutingTest {
    private static final String CONFIG = """
        global:
          resolve_timeout: 5m
          smtp_smarthost: localhost:25
        route:
          receiver: default
          group_by: [alertname]
          group_wait: 10s
          routes:
            - matchers: ['team="db"']
              receiver: db
              group_by: ['...']
              continue: true
            - match_re:
                team: "db|web"
              receiver: web
              repeat_interval: 1h
              routes:
                - matchers: ['severity=~"page|critical"', 'env!="dev"']
                  receiver: pager
            - match:
                team: ops
              receiver: ops
        receivers:
          - name: default
            webhook_configs:
              - url: http://127.0.0.1:1/default
                send_resolved: false
                max_alerts: 5
          - name: db
            slack_configs:
              - api_url: http://127.0.0.1:1/slack
                channel: '#db'
                title: '{{ .CommonLabels.alertname }} is {{ .Status }}'
          - name: web
            webhook_configs:
              - url: http://127.0.0.1:1/web
          - name: pager
            pagerduty_configs:
              - routing_key: x
            metricstream_alertmanager_configs:
              - url: http://127.0.0.1:1
          - name: ops
            email_configs:
              - to: ops@example.com
        inhibit_rules:
          - source_matchers: ['severity="critical"']
            target_matchers: ['severity="warning"']
            equal: [cluster]
        """;

    private static final RoutingConfig CFG = RoutingLoader.parse("alertmanager.yml", CONFIG);

    /** Asserts the receivers {@code labels} route to. */
    private static void f(Map<String, String> labels, String... receivers) {
        assertEquals(List.of(receivers), CFG.root().match(labels).stream().map(Route::receiver).toList(),
            labels.toString());
    }

    @Test
    void shouldRouteLikeAlertmanagerWhenMatchersContinueAndNest() {
        assertTrue(CFG.valid(), CFG.problems()::toString);
        f(Map.of("alertname", "X"), "default");
        f(Map.of("team", "db"), "db", "web");
        f(Map.of("team", "web", "severity", "page"), "pager");
        f(Map.of("team", "web", "severity", "page", "env", "dev"), "web");
        f(Map.of("team", "db", "severity", "critical"), "db", "pager");
        f(Map.of("team", "ops"), "ops");
    }

    @Test
    void shouldInheritSettingsAndBuildKeysWhenRoutesNest() {
        final Route db = CFG.root().match(Map.of("team", "db")).getFirst();
        assertEquals(10_000, db.groupWaitMs());
        assertEquals(RoutingConfig.DEFAULT_GROUP_INTERVAL_MS, db.groupIntervalMs());
        assertTrue(db.groupByAll());
        assertEquals("{}/{team=\"db\"}", db.key());
        final Route pager = CFG.root().match(Map.of("team", "web", "severity", "page")).getFirst();
        assertEquals(3_600_000, pager.repeatIntervalMs());
        assertEquals(List.of("alertname"), pager.groupBy());
        assertEquals("{}/{team=~\"db|web\"}/{severity=~\"page|critical\",env!=\"dev\"}", pager.key());
        assertEquals(Map.of("alertname", "A"), pager.groupLabels(Map.of("alertname", "A", "team", "web")));
        assertEquals(Map.of("a", "1", "team", "db"), db.groupLabels(Map.of("a", "1", "team", "db")));
    }

    @Test
    void shouldWarnByNameAndLineWhenReceiverTypesAreUnsupported() {
        assertEquals(List.of(
            "alertmanager.yml:3: global.smtp_smarthost: not supported; skipped",
            "alertmanager.yml:38: receivers[3].pagerduty_configs: receiver type not supported; skipped (receiver"
                + " \"pager\")",
            "alertmanager.yml:43: receivers[4].email_configs: receiver type not supported; skipped (receiver"
                + " \"ops\")",
            "alertmanager.yml:42: receivers[4]: receiver \"ops\" has no supported integration; its notifications"
                + " are dropped"), CFG.warnings());
        final WebhookReceiver w = assertInstanceOf(WebhookReceiver.class, CFG.receivers().get("default").getFirst());
        assertEquals(5, w.maxAlerts());
        assertEquals(false, w.sendResolved());
        assertInstanceOf(AlertmanagerReceiver.class, CFG.receivers().get("pager").getFirst());
        assertInstanceOf(SlackReceiver.class, CFG.receivers().get("db").getFirst());
    }

    @Test
    void shouldReportProblemsWithLinesWhenRoutingIsInvalid() {
        final RoutingConfig bad = RoutingLoader.parse("am.yml", """
            route:
              receiver: nobody
              group_wait: soon
              routes:
                - matchers: ['team=~"("']
            receivers:
              - name: x
                webhook_configs:
                  - url: ftp://nope
            """);
        assertEquals(List.of(
            "am.yml:9: receivers[0].webhook_configs[0].url: got \"ftp://nope\"; want an http(s) URL",
            "am.yml:3: route.group_wait: got \"soon\"; want a duration like 30s",
            "am.yml:5: route.routes[0].matchers[0]: bad regex in matcher \"team=~\"(\"\": Unclosed group",
            "am.yml:2: route: undefined receiver \"nobody\" used in route"), bad.problems());
    }

    @Test
    void shouldParseMatchersWhenWrittenInAlertmanagerSyntax() {
        final List<Matcher> out = new java.util.ArrayList<>();
        assertEquals(null, Matcher.parse("{a=\"b\", c=~\"d.*\", e!=f, g!~\"h\\\"\"}", out));
        assertEquals("[a=\"b\", c=~\"d.*\", e!=\"f\", g!~\"h\\\"\"]", out.toString());
        assertTrue(Matcher.all(out, Map.of("a", "b", "c", "dx", "e", "g", "g", "z")));
        assertTrue(!Matcher.all(out, Map.of("a", "b", "c", "x")));
        assertTrue(Matcher.parse("=x", out).startsWith("bad matcher"));
        assertTrue(Matcher.of("absent", Matcher.Type.EQUAL, "").matches(Map.of()));
    }

    @Test
    void shouldInhibitTargetWhenSourceFiresWithEqualLabels() {
        final InhibitRule rule = CFG.inhibitRules().getFirst();
        final PostableAlert crit = alert("1", Map.of("severity", "critical", "cluster", "a"), 0);
        final PostableAlert warnA = alert("2", Map.of("severity", "warning", "cluster", "a"), 0);
        final PostableAlert warnB = alert("3", Map.of("severity", "warning", "cluster", "b"), 0);
        final PostableAlert critResolved = alert("4", Map.of("severity", "critical", "cluster", "b"), 5);
        final List<PostableAlert> all = List.of(crit, warnA, warnB, critResolved);
        assertTrue(rule.inhibits(warnA, all));
        assertTrue(!rule.inhibits(warnB, all), "different cluster; the resolved source does not count");
        assertTrue(!rule.inhibits(crit, all), "not a target");
    }

    static PostableAlert alert(String fp, Map<String, String> labels, long endsAt) {
        return new PostableAlert(fp, labels, Map.of(), 1, endsAt, "");
    }
}
