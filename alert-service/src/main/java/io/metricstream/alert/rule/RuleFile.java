package io.metricstream.alert.rule;

import io.metricstream.alert.template.Template;
import io.metricstream.alert.yaml.Durations;
import io.metricstream.alert.yaml.YamlNode;
import io.metricstream.alert.yaml.YamlProblems;
import io.metricstream.alert.yaml.YamlReader;
import io.metricstream.contracts.model.MetricNames;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One Prometheus rule file parsed and validated: {@code groups: [{name, interval, limit, rules: [...]}]}. Unknown
 * keys, bad durations, invalid names, unparsable templates and unbalanced expressions are problems with the line.
 */
public final class RuleFile {
    private static final Set<String> GROUP_KEYS = Set.of("name", "interval", "limit", "rules");
    private static final Set<String> ALERT_KEYS = Set.of("alert", "expr", "for", "keep_firing_for", "labels",
        "annotations");
    private static final Set<String> RECORD_KEYS = Set.of("record", "expr", "labels");

    private RuleFile() {
    }

    /** Parses {@code text} of file {@code file}; groups are added to {@code out}, problems to {@code problems}. */
    public static void parse(String file, String text, List<RuleGroup> out, YamlProblems problems) {
        final YamlNode root = YamlReader.read(text, problems);
        if (root == null || root.kind() == YamlNode.Kind.NULL) {
            return;
        }
        if (!root.isMap()) {
            problems.add(root.line(), "", "got " + root.describe() + "; want a map with key groups");
            return;
        }
        for (String k : root.fields().keySet()) {
            if (!k.equals("groups")) {
                problems.add(root.keyLine(k), k, "unknown field; want groups");
            }
        }
        final YamlNode groups = root.get("groups");
        if (groups == null || groups.kind() == YamlNode.Kind.NULL) {
            return;
        }
        if (!groups.isList()) {
            problems.add(groups.line(), "groups", "got " + groups.describe() + "; want a list");
            return;
        }
        final Set<String> names = new HashSet<>();
        for (int g = 0; g < groups.items().size(); g++) {
            final RuleGroup group = group(file, groups.items().get(g), "groups[" + g + "]", problems);
            if (group != null) {
                if (!names.add(group.name())) {
                    problems.add(groups.items().get(g).keyLine("name"), "groups[" + g + "].name",
                        "duplicate group name \"" + group.name() + "\"");
                }
                out.add(group);
            }
        }
    }

    private static RuleGroup group(String file, YamlNode n, String path, YamlProblems problems) {
        if (!n.isMap()) {
            problems.add(n.line(), path, "got " + n.describe() + "; want a map");
            return null;
        }
        unknownKeys(n, GROUP_KEYS, path, problems);
        final YamlNode nameNode = n.get("name");
        final String name = nameNode == null ? null : nameNode.text();
        if (name == null || name.isBlank()) {
            problems.add(n.keyLine("name"), path + ".name", "missing group name");
        }
        long intervalMs = 0;
        final YamlNode interval = n.get("interval");
        if (interval != null) {
            intervalMs = Durations.parseMs(interval.text());
            if (intervalMs <= 0) {
                problems.add(interval.line(), path + ".interval", "got " + interval.describe()
                    + "; want a duration like 1m");
                intervalMs = 0;
            }
        }
        int limit = 0;
        final YamlNode limitNode = n.get("limit");
        if (limitNode != null) {
            limit = intAtLeastZero(limitNode, path + ".limit", problems);
        }
        final List<Rule> rules = new ArrayList<>();
        final YamlNode list = n.get("rules");
        if (list != null && list.kind() != YamlNode.Kind.NULL) {
            if (!list.isList()) {
                problems.add(list.line(), path + ".rules", "got " + list.describe() + "; want a list");
            } else {
                for (int r = 0; r < list.items().size(); r++) {
                    final Rule rule = rule(list.items().get(r), path + ".rules[" + r + "]", problems);
                    if (rule != null) {
                        rules.add(rule);
                    }
                }
            }
        }
        return name == null ? null : new RuleGroup(name, file, intervalMs, limit, List.copyOf(rules));
    }

    private static int intAtLeastZero(YamlNode n, String path, YamlProblems problems) {
        try {
            final int v = Integer.parseInt(String.valueOf(n.text()));
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(n.line(), path, "got " + n.describe() + "; want an integer >= 0");
        return 0;
    }

    private static Rule rule(YamlNode n, String path, YamlProblems problems) {
        if (!n.isMap()) {
            problems.add(n.line(), path, "got " + n.describe() + "; want a map");
            return null;
        }
        final boolean alerting = n.get("alert") != null;
        if (alerting && n.get("record") != null) {
            problems.add(n.line(), path, "only one of alert and record may be set");
            return null;
        }
        if (!alerting && n.get("record") == null) {
            problems.add(n.line(), path, "one of alert or record must be set");
            return null;
        }
        final String nameKey = alerting ? "alert" : "record";
        unknownKeys(n, alerting ? ALERT_KEYS : RECORD_KEYS, path, problems);
        final String name = n.get(nameKey).text();
        if (name == null || !MetricNames.isValidMetricName(name)) {
            problems.add(n.keyLine(nameKey), path + "." + nameKey, "got " + n.get(nameKey).describe()
                + "; want a valid metric name");
        }
        final YamlNode exprNode = n.get("expr");
        final String expr = exprNode == null ? null : exprNode.text();
        final String exprProblem = ExprChecks.check(expr);
        if (exprProblem != null) {
            problems.add(exprNode == null ? n.line() : exprNode.line(), path + ".expr", exprProblem);
        }
        final Map<String, String> labels = stringMap(n.get("labels"), path + ".labels", true, problems);
        if (!alerting) {
            return new RecordingRule(name, expr, labels, n.line());
        }
        final long forMs = duration(n.get("for"), path + ".for", problems);
        final long keepMs = duration(n.get("keep_firing_for"), path + ".keep_firing_for", problems);
        final Map<String, Template> labelTemplates = templates(labels, n.get("labels"), path + ".labels", problems);
        final Map<String, String> annotationText = stringMap(n.get("annotations"), path + ".annotations", false,
            problems);
        final Map<String, Template> annotations = templates(annotationText, n.get("annotations"),
            path + ".annotations", problems);
        return new AlertingRule(name, expr, forMs, keepMs, labels, labelTemplates, annotations, n.line(),
            expr == null ? null : ExprChecks.threshold(expr));
    }

    private static long duration(YamlNode n, String path, YamlProblems problems) {
        if (n == null) {
            return 0;
        }
        final long ms = Durations.parseMs(n.text());
        if (ms < 0) {
            problems.add(n.line(), path, "got " + n.describe() + "; want a duration like 5m");
            return 0;
        }
        return ms;
    }

    private static Map<String, String> stringMap(YamlNode n, String path, boolean labelNames, YamlProblems problems) {
        final Map<String, String> out = new LinkedHashMap<>();
        if (n == null || n.kind() == YamlNode.Kind.NULL) {
            return out;
        }
        if (!n.isMap()) {
            problems.add(n.line(), path, "got " + n.describe() + "; want a map");
            return out;
        }
        n.fields().forEach((k, v) -> {
            if (labelNames && (!MetricNames.isValidLabelName(k) || MetricNames.isReserved(k))) {
                problems.add(n.keyLine(k), path + "." + k, "invalid label name");
            }
            if (!v.isScalar()) {
                problems.add(v.line(), path + "." + k, "got " + v.describe() + "; want a string");
                return;
            }
            out.put(k, v.text());
        });
        return out;
    }

    private static Map<String, Template> templates(Map<String, String> texts, YamlNode n, String path,
                                                   YamlProblems problems) {
        final Map<String, Template> out = new LinkedHashMap<>();
        texts.forEach((k, text) -> {
            final Template t = Template.parse(text);
            if (t.error() != null) {
                problems.add(n.get(k).line(), path + "." + k, "bad template: " + t.error());
            }
            out.put(k, t);
        });
        return out;
    }

    private static void unknownKeys(YamlNode n, Set<String> allowed, String path, YamlProblems problems) {
        for (String k : n.fields().keySet()) {
            if (!allowed.contains(k)) {
                problems.add(n.keyLine(k), path + "." + k, "unknown field; want one of " + new java.util.TreeSet<>(
                    allowed));
            }
        }
    }
}
