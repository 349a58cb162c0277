package io.metricstream.alert.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A Slack incoming-webhook message: {@code {"channel","username","attachments":[{"title","text","color",
 * "fallback"}]}}. Title and text accept the placeholders {@code {{ .Status }}}, {@code {{ .Receiver }}},
 * {@code {{ .GroupLabels.x }}}, {@code {{ .CommonLabels.x }}}, {@code {{ .CommonAnnotations.x }}} and
 * {@code {{ len .Alerts }}}; any other template action is reported at load (see {@link #unsupportedAction}) and
 * the default text is used. Defaults follow Alertmanager's: title {@code [FIRING:2] alertname}, text one line
 * per alert from its summary (or description) annotation.
 *
 * @param name         integration name
 * @param apiUrl       the webhook URL
 * @param channel      channel override, or ""
 * @param username     user name, or ""
 * @param title        title template, or "" for the default
 * @param text         text template, or "" for the default
 * @param sendResolved whether resolved notifications are sent (default false, as Alertmanager)
 */
public record SlackReceiver(String name, String apiUrl, String channel, String username, String title, String text,
                            boolean sendResolved) implements Receiver {
    private static final Pattern ACTION = Pattern.compile("\\{\\{-?\\s*(.*?)\\s*-?}}");
    private static final Pattern SUPPORTED = Pattern.compile(
        "\\.Status|\\.Receiver|len \\.Alerts|\\.(GroupLabels|CommonLabels|CommonAnnotations)\\.[a-zA-Z_][a-zA-Z0-9_]*");

    /** The first template action this receiver cannot render in {@code template}, or null. */
    public static String unsupportedAction(String template) {
        final java.util.regex.Matcher m = ACTION.matcher(template);
        while (m.find()) {
            if (!SUPPORTED.matcher(m.group(1)).matches()) {
                return m.group(0);
            }
        }
        return null;
    }

    @Override
    public Delivery render(Notification n, long nowMs) {
        final ObjectNode o = Json.MAPPER.createObjectNode();
        if (!channel.isEmpty()) {
            o.put("channel", channel);
        }
        if (!username.isEmpty()) {
            o.put("username", username);
        }
        final ObjectNode att = o.putArray("attachments").addObject();
        final String t = title.isEmpty() ? defaultTitle(n) : expand(title, n);
        att.put("title", t);
        att.put("text", text.isEmpty() ? defaultText(n) : expand(text, n));
        att.put("color", n.status().equals("firing") ? "danger" : "good");
        att.put("fallback", t);
        return new Delivery(name, apiUrl, "application/json", Json.bytes(o));
    }

    private static String defaultTitle(Notification n) {
        long firing = 0;
        for (PostableAlert a : n.alerts()) {
            if (a.firing()) {
                firing++;
            }
        }
        final StringBuilder b = new StringBuilder("[").append(n.status().toUpperCase(java.util.Locale.ROOT));
        if (n.status().equals("firing")) {
            b.append(':').append(firing);
        }
        b.append("] ");
        b.append(String.join(" ", n.groupLabels().values()));
        return b.toString().strip();
    }

    private static String defaultText(Notification n) {
        final StringBuilder b = new StringBuilder();
        for (PostableAlert a : n.alerts()) {
            final String s = a.annotations().getOrDefault("summary", a.annotations().getOrDefault("description",
                a.labels().getOrDefault("alertname", "")));
            b.append(a.firing() ? "• " : "✓ ").append(s).append('\n');
        }
        return b.toString().strip();
    }

    private static String expand(String template, Notification n) {
        if (unsupportedAction(template) != null) {
            return defaultText(n);
        }
        final java.util.regex.Matcher m = ACTION.matcher(template);
        final StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(value(m.group(1), n)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String value(String action, Notification n) {
        if (action.equals(".Status")) {
            return n.status();
        }
        if (action.equals(".Receiver")) {
            return n.receiver();
        }
        if (action.equals("len .Alerts")) {
            return Integer.toString(n.alerts().size());
        }
        final int dot = action.indexOf('.', 1);
        final String map = action.substring(1, dot);
        final String key = action.substring(dot + 1);
        final Map<String, String> m = switch (map) {
            case "GroupLabels" -> n.groupLabels();
            case "CommonLabels" -> n.commonLabels();
            default -> n.commonAnnotations();
        };
        return m.getOrDefault(key, "");
    }
}
