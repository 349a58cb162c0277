package io.metricstream.alert.notify;

import io.metricstream.alert.incident.EscalationPolicy;
import io.metricstream.alert.yaml.Durations;
import io.metricstream.alert.yaml.YamlNode;
import io.metricstream.alert.yaml.YamlProblems;
import io.metricstream.alert.yaml.YamlReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads an Alertmanager configuration file. Supported: {@code route} (receiver, group_by incl. '...', group_wait,
 * group_interval, repeat_interval, matchers, legacy match/match_re, continue, routes,
 * {@code metricstream_escalation_policy}), {@code receivers} with {@code webhook_configs}, {@code slack_configs}
 * and {@code metricstream_alertmanager_configs}, {@code inhibit_rules} (source/target_matchers and legacy
 * source_match/_re, target_match/_re, equal), {@code metricstream_escalation_policies}, {@code global.slack_api_url}.
 * Decision: other receiver types (pagerduty_configs, email_configs, …), {@code templates}, {@code http_config}
 * and other global keys are WARNINGS naming the key and line, and are skipped, so an existing alertmanager.yml
 * loads unchanged; structural errors (bad durations, matchers, unknown receiver references) are problems.
 */
public final class RoutingLoader {
    private static final Set<String> ROUTE_KEYS = Set.of("receiver", "group_by", "group_wait", "group_interval",
        "repeat_interval", "matchers", "match", "match_re", "continue", "routes", "metricstream_escalation_policy",
        "mute_time_intervals", "active_time_intervals");
    private static final Set<String> RECEIVER_TYPES = Set.of("webhook_configs", "slack_configs",
        "metricstream_alertmanager_configs");

    private final YamlProblems problems;
    private final YamlProblems warnings;
    private final Map<String, List<Receiver>> receivers = new LinkedHashMap<>();
    private final Map<String, Integer> routeReceivers = new LinkedHashMap<>();
    private String slackApiUrl = "";

    private RoutingLoader(String file) {
        this.problems = new YamlProblems(file);
        this.warnings = new YamlProblems(file);
    }

    /** Loads {@code path}; an unreadable file is a problem. */
    public static RoutingConfig load(Path path) {
        try {
            return parse(path.toString(), Files.readString(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
            final YamlProblems p = new YamlProblems(path.toString());
            p.add(0, "", "cannot read: " + e.getMessage());
            return new RoutingConfig(null, Map.of(), List.of(), Map.of(), List.of(), p.messages());
        }
    }

    /** Parses routing YAML {@code text} of {@code file}. */
    public static RoutingConfig parse(String file, String text) {
        final RoutingLoader l = new RoutingLoader(file);
        final YamlNode root = YamlReader.read(text, l.problems);
        if (root == null || !root.isMap()) {
            if (root != null) {
                l.problems.add(root.line(), "", "got " + root.describe() + "; want a map with route and receivers");
            }
            return new RoutingConfig(null, Map.of(), List.of(), Map.of(), List.of(), l.problems.messages());
        }
        return l.config(root);
    }

    private RoutingConfig config(YamlNode root) {
        for (String k : root.fields().keySet()) {
            if (!Set.of("global", "route", "receivers", "inhibit_rules", "metricstream_escalation_policies")
                .contains(k)) {
                warnings.add(root.keyLine(k), k, "not supported; skipped");
            }
        }
        global(root.get("global"));
        final YamlNode recv = root.get("receivers");
        if (recv != null && recv.isList()) {
            for (int i = 0; i < recv.items().size(); i++) {
                receiver(recv.items().get(i), "receivers[" + i + "]");
            }
        } else if (recv != null && recv.kind() != YamlNode.Kind.NULL) {
            problems.add(recv.line(), "receivers", "got " + recv.describe() + "; want a list");
        }
        final Map<String, EscalationPolicy> policies = policies(root.get("metricstream_escalation_policies"));
        final YamlNode routeNode = root.get("route");
        Route route = null;
        if (routeNode == null || !routeNode.isMap()) {
            problems.add(routeNode == null ? root.line() : routeNode.line(), "route", "missing root route");
        } else {
            if (routeNode.get("receiver") == null) {
                problems.add(routeNode.line(), "route.receiver", "root route must name a receiver");
            }
            if (routeNode.get("matchers") != null || routeNode.get("match") != null
                || routeNode.get("match_re") != null) {
                problems.add(routeNode.line(), "route", "root route must not have matchers");
            }
            final Route defaults = new Route("", "", List.of(), false, RoutingConfig.DEFAULT_GROUP_WAIT_MS,
                RoutingConfig.DEFAULT_GROUP_INTERVAL_MS, RoutingConfig.DEFAULT_REPEAT_INTERVAL_MS, List.of(), false,
                "", List.of());
            route = route(routeNode, "route", defaults, true);
        }
        routeReceivers.forEach((r, line) -> {
            if (!receivers.containsKey(r)) {
                problems.add(line, "route", "undefined receiver \"" + r + "\" used in route");
            }
        });
        final List<InhibitRule> inhibit = inhibitRules(root.get("inhibit_rules"));
        for (EscalationPolicy p : policies.values()) {
            for (EscalationPolicy.Level lv : p.levels()) {
                if (!receivers.containsKey(lv.receiver())) {
                    problems.add(0, "metricstream_escalation_policies." + p.name(), "undefined receiver \""
                        + lv.receiver() + "\"");
                }
            }
        }
        return new RoutingConfig(route, Map.copyOf(receivers), inhibit, policies, warnings.messages(),
            problems.messages());
    }

    private void global(YamlNode g) {
        if (g == null || !g.isMap()) {
            return;
        }
        g.fields().forEach((k, v) -> {
            if (k.equals("slack_api_url")) {
                slackApiUrl = v.text() == null ? "" : v.text();
            } else if (!k.equals("resolve_timeout")) {
                warnings.add(g.keyLine(k), "global." + k, "not supported; skipped");
            }
        });
    }

    private Route route(YamlNode n, String path, Route parent, boolean root) {
        for (String k : n.fields().keySet()) {
            if (!ROUTE_KEYS.contains(k)) {
                problems.add(n.keyLine(k), path + "." + k, "unknown field");
            } else if (k.endsWith("time_intervals")) {
                warnings.add(n.keyLine(k), path + "." + k, "time intervals are not supported; ignored");
            }
        }
        final String receiver = text(n, "receiver", parent.receiver());
        if (n.get("receiver") != null) {
            routeReceivers.putIfAbsent(receiver, n.get("receiver").line());
        }
        List<String> groupBy = parent.groupBy();
        boolean all = parent.groupByAll();
        final YamlNode gb = n.get("group_by");
        if (gb != null) {
            groupBy = strings(gb, path + ".group_by");
            all = groupBy.contains("...");
            if (all && groupBy.size() > 1) {
                problems.add(gb.line(), path + ".group_by", "'...' must be the only element");
            }
        }
        final long wait = duration(n, "group_wait", path, parent.groupWaitMs(), true);
        final long interval = duration(n, "group_interval", path, parent.groupIntervalMs(), false);
        final long repeat = duration(n, "repeat_interval", path, parent.repeatIntervalMs(), false);
        final List<Matcher> matchers = matchers(n, path);
        final boolean cont = n.get("continue") != null && "true".equals(n.get("continue").text());
        final String policy = text(n, "metricstream_escalation_policy", parent.escalationPolicy());
        final String key = root ? "{}" : parent.key() + "/" + matcherKey(matchers);
        final Route self = new Route(key, receiver, groupBy, all, wait, interval, repeat, matchers, cont, policy,
            List.of());
        final List<Route> children = new ArrayList<>();
        final YamlNode routes = n.get("routes");
        if (routes != null && routes.isList()) {
            for (int i = 0; i < routes.items().size(); i++) {
                final YamlNode c = routes.items().get(i);
                if (!c.isMap()) {
                    problems.add(c.line(), path + ".routes[" + i + "]", "got " + c.describe() + "; want a map");
                    continue;
                }
                children.add(route(c, path + ".routes[" + i + "]", self, false));
            }
        }
        return new Route(key, receiver, groupBy, all, wait, interval, repeat, matchers, cont, policy,
            List.copyOf(children));
    }

    private static String matcherKey(List<Matcher> matchers) {
        final StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < matchers.size(); i++) {
            b.append(i > 0 ? "," : "").append(matchers.get(i));
        }
        return b.append('}').toString();
    }

    private List<Matcher> matchers(YamlNode n, String path) {
        final List<Matcher> out = new ArrayList<>();
        matcherList(n.get("matchers"), path + ".matchers", out);
        legacy(n.get("match"), path + ".match", Matcher.Type.EQUAL, out);
        legacy(n.get("match_re"), path + ".match_re", Matcher.Type.REGEX, out);
        return List.copyOf(out);
    }

    private void matcherList(YamlNode n, String path, List<Matcher> out) {
        if (n == null) {
            return;
        }
        if (!n.isList()) {
            problems.add(n.line(), path, "got " + n.describe() + "; want a list of matchers like a=\"b\"");
            return;
        }
        for (int i = 0; i < n.items().size(); i++) {
            final YamlNode m = n.items().get(i);
            final String err = m.isScalar() ? Matcher.parse(m.text(), out) : "want a matcher string";
            if (err != null) {
                problems.add(m.line(), path + "[" + i + "]", err);
            }
        }
    }

    private void legacy(YamlNode n, String path, Matcher.Type type, List<Matcher> out) {
        if (n == null) {
            return;
        }
        if (!n.isMap()) {
            problems.add(n.line(), path, "got " + n.describe() + "; want a map of label to value");
            return;
        }
        n.fields().forEach((k, v) -> {
            try {
                out.add(Matcher.of(k, type, v.text() == null ? "" : v.text()));
            } catch (java.util.regex.PatternSyntaxException e) {
                problems.add(v.line(), path + "." + k, "bad regex: " + e.getDescription());
            }
        });
    }

    private long duration(YamlNode n, String key, String path, long inherited, boolean zeroOk) {
        final YamlNode v = n.get(key);
        if (v == null) {
            return inherited;
        }
        final long ms = Durations.parseMs(v.text());
        if (ms < 0 || (ms == 0 && !zeroOk)) {
            problems.add(v.line(), path + "." + key, "got " + v.describe() + "; want a duration like "
                + (zeroOk ? "30s" : "5m") + (zeroOk ? "" : " (> 0)"));
            return inherited;
        }
        return ms;
    }

    private static String text(YamlNode n, String key, String inherited) {
        final YamlNode v = n.get(key);
        return v == null || v.text() == null ? inherited : v.text();
    }

    private List<String> strings(YamlNode n, String path) {
        final List<String> out = new ArrayList<>();
        if (!n.isList()) {
            problems.add(n.line(), path, "got " + n.describe() + "; want a list of strings");
            return out;
        }
        for (YamlNode i : n.items()) {
            out.add(i.text());
        }
        return List.copyOf(out);
    }

    private void receiver(YamlNode n, String path) {
        if (!n.isMap() || n.get("name") == null) {
            problems.add(n.line(), path, "a receiver needs a name");
            return;
        }
        final String name = n.get("name").text();
        if (receivers.containsKey(name)) {
            problems.add(n.keyLine("name"), path + ".name", "duplicate receiver \"" + name + "\"");
        }
        final List<Receiver> integrations = new ArrayList<>();
        n.fields().forEach((k, v) -> {
            if (k.equals("name")) {
                return;
            }
            if (!RECEIVER_TYPES.contains(k)) {
                warnings.add(n.keyLine(k), path + "." + k, "receiver type not supported; skipped (receiver \""
                    + name + "\")");
                return;
            }
            if (!v.isList()) {
                problems.add(v.line(), path + "." + k, "got " + v.describe() + "; want a list");
                return;
            }
            for (int i = 0; i < v.items().size(); i++) {
                final Receiver r = integration(name, k, v.items().get(i), path + "." + k + "[" + i + "]", i);
                if (r != null) {
                    integrations.add(r);
                }
            }
        });
        if (integrations.isEmpty()) {
            warnings.add(n.line(), path, "receiver \"" + name + "\" has no supported integration; its notifications"
                + " are dropped");
        }
        receivers.put(name, List.copyOf(integrations));
    }

    private Receiver integration(String receiver, String type, YamlNode c, String path, int index) {
        if (!c.isMap()) {
            problems.add(c.line(), path, "got " + c.describe() + "; want a map");
            return null;
        }
        for (String k : c.fields().keySet()) {
            if (!Set.of("url", "send_resolved", "max_alerts", "api_url", "channel", "username", "title", "text")
                .contains(k)) {
                warnings.add(c.keyLine(k), path + "." + k, "not supported; ignored");
            }
        }
        final String kind = type.replace("_configs", "").replace("metricstream_", "");
        final String name = receiver + "/" + kind + "[" + index + "]";
        final YamlNode sr = c.get("send_resolved");
        switch (type) {
            case "webhook_configs": {
                final String url = requiredUrl(c, "url", path, "");
                int max = 0;
                if (c.get("max_alerts") != null) {
                    try {
                        max = Integer.parseInt(c.get("max_alerts").text());
                    } catch (NumberFormatException e) {
                        problems.add(c.get("max_alerts").line(), path + ".max_alerts", "got "
                            + c.get("max_alerts").describe() + "; want an integer >= 0");
                    }
                }
                return url == null ? null : new WebhookReceiver(name, url, sr == null || "true".equals(sr.text()),
                    max);
            }
            case "slack_configs": {
                final String url = requiredUrl(c, "api_url", path, slackApiUrl);
                final String title = text(c, "title", "");
                final String text = text(c, "text", "");
                for (String[] t : new String[][] {{"title", title}, {"text", text}}) {
                    final String bad = SlackReceiver.unsupportedAction(t[1]);
                    if (bad != null) {
                        warnings.add(c.get(t[0]).line(), path + "." + t[0], "template action " + bad
                            + " not supported; the default " + t[0] + " is used");
                    }
                }
                return url == null ? null : new SlackReceiver(name, url, text(c, "channel", ""),
                    text(c, "username", ""), title, text, sr != null && "true".equals(sr.text()));
            }
            default: {
                final String url = requiredUrl(c, "url", path, "");
                return url == null ? null
                    : new AlertmanagerReceiver(name, url, RoutingConfig.DEFAULT_GROUP_INTERVAL_MS);
            }
        }
    }

    private String requiredUrl(YamlNode c, String key, String path, String fallback) {
        final String url = text(c, key, fallback);
        if (url.isEmpty() || !(url.startsWith("http://") || url.startsWith("https://"))) {
            problems.add(c.get(key) == null ? c.line() : c.get(key).line(), path + "." + key,
                "got \"" + url + "\"; want an http(s) URL");
            return null;
        }
        return url;
    }

    private List<InhibitRule> inhibitRules(YamlNode n) {
        final List<InhibitRule> out = new ArrayList<>();
        if (n == null || !n.isList()) {
            return out;
        }
        for (int i = 0; i < n.items().size(); i++) {
            final YamlNode r = n.items().get(i);
            final String path = "inhibit_rules[" + i + "]";
            final List<Matcher> source = new ArrayList<>();
            final List<Matcher> target = new ArrayList<>();
            matcherList(r.get("source_matchers"), path + ".source_matchers", source);
            matcherList(r.get("target_matchers"), path + ".target_matchers", target);
            legacy(r.get("source_match"), path + ".source_match", Matcher.Type.EQUAL, source);
            legacy(r.get("source_match_re"), path + ".source_match_re", Matcher.Type.REGEX, source);
            legacy(r.get("target_match"), path + ".target_match", Matcher.Type.EQUAL, target);
            legacy(r.get("target_match_re"), path + ".target_match_re", Matcher.Type.REGEX, target);
            final List<String> equal = r.get("equal") == null ? List.of() : strings(r.get("equal"), path + ".equal");
            out.add(new InhibitRule(List.copyOf(source), List.copyOf(target), equal));
        }
        return List.copyOf(out);
    }

    private Map<String, EscalationPolicy> policies(YamlNode n) {
        final Map<String, EscalationPolicy> out = new LinkedHashMap<>();
        if (n == null || !n.isList()) {
            return out;
        }
        for (int i = 0; i < n.items().size(); i++) {
            final YamlNode p = n.items().get(i);
            final String path = "metricstream_escalation_policies[" + i + "]";
            final String name = text(p, "name", "");
            if (name.isEmpty()) {
                problems.add(p.line(), path + ".name", "missing policy name");
                continue;
            }
            final List<EscalationPolicy.Level> levels = new ArrayList<>();
            final YamlNode lv = p.get("levels");
            if (lv != null && lv.isList()) {
                for (int j = 0; j < lv.items().size(); j++) {
                    final YamlNode l = lv.items().get(j);
                    final String receiver = text(l, "receiver", "");
                    final long after = duration(l, "after", path + ".levels[" + j + "]", 0, true);
                    levels.add(new EscalationPolicy.Level(receiver, after));
                }
            }
            levels.sort(java.util.Comparator.comparingLong(EscalationPolicy.Level::afterMs));
            out.put(name, new EscalationPolicy(name, List.copyOf(levels)));
        }
        return out;
    }
}
