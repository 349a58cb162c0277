package io.metricstream.alert.notify;

import io.metricstream.alert.incident.IncidentManager;
import io.metricstream.runtime.logging.DistinctErrorLog;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.LoggerFactory;

/**
 * Alertmanager's dispatcher: routes each alert ({@link Route#match}), groups it by the route's group labels into
 * an aggregation group, and flushes each group first after {@code group_wait} and then every
 * {@code group_interval}. A flush drops silenced and inhibited alerts, asks the {@link NotificationLog} per
 * integration whether anything changed (or {@code repeat_interval} passed), hands renders to the
 * {@link RetryQueue}, tells the {@link IncidentManager}, and forgets resolved alerts it has flushed.
 * Group key: {@code <route key>:<group labels>}, e.g. {@code {}/{team="a"}:{alertname="HighCpu"}}.
 * Not thread-safe: owned by the engine thread (timers run on the engine executor).
 */
public final class Grouper {
    private final ScheduledExecutorService engine;
    private final RetryQueue outbox;
    private final NotificationLog nflog;
    private final Silences silences;
    private final IncidentManager incidents;
    private final String externalUrl;
    private final LongSupplier clock;
    private final DistinctErrorLog errors = new DistinctErrorLog(LoggerFactory.getLogger(Grouper.class),
        Duration.ofSeconds(10));
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final Map<String, PostableAlert> current = new HashMap<>();
    private RoutingConfig config = RoutingConfig.empty();
    private Inhibitor inhibitor = new Inhibitor(List.of());
    private long notificationsQueued;

    /** One aggregation group. */
    private static final class Group {
        final String key;
        final Route route;
        final Map<String, String> labels;
        final LinkedHashMap<String, PostableAlert> alerts = new LinkedHashMap<>();
        ScheduledFuture<?> timer;

        Group(String key, Route route, Map<String, String> labels) {
            this.key = key;
            this.route = route;
            this.labels = labels;
        }
    }

    /** A dispatcher on the {@code engine} executor. */
    public Grouper(ScheduledExecutorService engine, RetryQueue outbox, NotificationLog nflog, Silences silences,
                   IncidentManager incidents, String externalUrl, LongSupplier clock) {
        this.engine = engine;
        this.outbox = outbox;
        this.nflog = nflog;
        this.silences = silences;
        this.incidents = incidents;
        this.externalUrl = externalUrl;
        this.clock = clock;
    }

    /** Applies a (re)loaded routing config: groups are rebuilt from the current alerts. */
    public void configure(RoutingConfig cfg) {
        this.config = cfg;
        this.inhibitor = new Inhibitor(cfg.inhibitRules());
        incidents.policies(cfg.policies());
        for (Group g : groups.values()) {
            if (g.timer != null) {
                g.timer.cancel(false);
            }
        }
        groups.clear();
        final long now = clock.getAsLong();
        for (PostableAlert a : List.copyOf(current.values())) {
            put(a, now);
        }
    }

    /** The routing config in use. */
    public RoutingConfig config() {
        return config;
    }

    /**
     * Adds or updates an alert (firing, or resolved with endsAt set). A resolved alert without a group gets one
     * (as in Alertmanager): after a restart the notification log decides whether its resolution is news.
     */
    public void put(PostableAlert a, long nowMs) {
        current.put(a.fingerprint(), a);
        for (Route r : config.root().match(a.labels())) {
            final Map<String, String> gl = r.groupLabels(a.labels());
            final String key = r.key() + ":" + labelsText(gl);
            Group g = groups.get(key);
            if (g == null) {
                g = new Group(key, r, gl);
                groups.put(key, g);
                schedule(g, r.groupWaitMs());
            }
            g.alerts.put(a.fingerprint(), a);
        }
    }

    private void schedule(Group g, long delayMs) {
        if (delayMs <= 0) {
            g.timer = null;
            engine.execute(() -> flush(g));
        } else {
            g.timer = engine.schedule(() -> flush(g), delayMs, TimeUnit.MILLISECONDS);
        }
    }

    /** Every alert currently known (for inhibition and the API). */
    public Collection<PostableAlert> alerts() {
        return current.values();
    }

    /** True when {@code a} is muted by a silence or an inhibit rule now. */
    public boolean muted(PostableAlert a, long nowMs) {
        return !silences.silencedBy(a.labels(), nowMs).isEmpty() || inhibitor.inhibited(a, current.values());
    }

    /** Notifications handed to the outbox so far. */
    public long notificationsQueued() {
        return notificationsQueued;
    }

    /** Number of aggregation groups. */
    public int groupCount() {
        return groups.size();
    }

    private void flush(Group g) {
        if (groups.get(g.key) != g) {
            return;
        }
        final long now = clock.getAsLong();
        final List<PostableAlert> shown = new ArrayList<>();
        final Set<String> firing = new HashSet<>();
        final Set<String> resolved = new HashSet<>();
        for (PostableAlert a : g.alerts.values()) {
            if (muted(a, now)) {
                continue;
            }
            shown.add(a);
            (a.firing() ? firing : resolved).add(a.fingerprint());
        }
        final boolean notified = send(g, config.receivers().getOrDefault(g.route.receiver(), List.of()), shown,
            firing, resolved, now, true);
        incidents.onFlush(g.key, g.route.receiver(), g.route.escalationPolicy(), firing.size(),
            common(shown, true), notified, now);
        final List<PostableAlert> snapshot = List.copyOf(g.alerts.values());
        for (PostableAlert a : snapshot) {
            if (!a.firing()) {
                g.alerts.remove(a.fingerprint());
                if (current.get(a.fingerprint()) == a && !inAnyGroup(a.fingerprint())) {
                    current.remove(a.fingerprint());
                }
            }
        }
        if (g.alerts.isEmpty()) {
            groups.remove(g.key);
        } else {
            schedule(g, g.route.groupIntervalMs());
        }
    }

    private boolean inAnyGroup(String fingerprint) {
        for (Group o : groups.values()) {
            if (o.alerts.containsKey(fingerprint)) {
                return true;
            }
        }
        return false;
    }

    private boolean send(Group g, List<Receiver> integrations, List<PostableAlert> shown, Set<String> firing,
                         Set<String> resolved, long now, boolean dedup) {
        boolean notified = false;
        for (Receiver r : integrations) {
            final List<PostableAlert> alerts = new ArrayList<>();
            for (PostableAlert a : shown) {
                if (a.firing() || r.sendResolved()) {
                    alerts.add(a);
                }
            }
            final String logKey = g.key + "|" + r.name();
            if (dedup && r.deduplicated() && !nflog.needsUpdate(logKey, firing, resolved, r.sendResolved(),
                g.route.repeatIntervalMs(), now)) {
                continue;
            }
            try {
                if (!alerts.isEmpty() && (!r.deduplicated() || !firing.isEmpty() || r.sendResolved())) {
                    final Notification n = new Notification(g.route.receiver(), g.key,
                        firing.isEmpty() ? "resolved" : "firing", g.labels, common(alerts, true),
                        common(alerts, false), externalUrl, alerts);
                    outbox.enqueue(r.render(n, now), now);
                    notificationsQueued++;
                    notified = true;
                }
                if (dedup && r.deduplicated()) {
                    nflog.record(logKey, firing, r.sendResolved() ? resolved : Set.of(), now);
                }
            } catch (IOException e) {
                errors.error("enqueue", "cannot persist notification for " + r.name() + ": " + e.getMessage(), e);
            }
        }
        return notified;
    }

    /** Sends the current firing alerts of group {@code groupKey} to {@code receiver} (incident escalation). */
    public void escalate(String receiver, String groupKey, long nowMs) {
        final Group g = groups.get(groupKey);
        if (g == null) {
            return;
        }
        final List<PostableAlert> shown = new ArrayList<>();
        final Set<String> firing = new HashSet<>();
        for (PostableAlert a : g.alerts.values()) {
            if (a.firing() && !muted(a, nowMs)) {
                shown.add(a);
                firing.add(a.fingerprint());
            }
        }
        if (!shown.isEmpty()) {
            final Group as = new Group(g.key, new Route(g.route.key(), receiver, g.route.groupBy(),
                g.route.groupByAll(), 0, g.route.groupIntervalMs(), g.route.repeatIntervalMs(), List.of(), false, "",
                List.of()), g.labels);
            send(as, config.receivers().getOrDefault(receiver, List.of()), shown, firing, Set.of(), nowMs, false);
        }
    }

    private static Map<String, String> common(List<PostableAlert> alerts, boolean labels) {
        if (alerts.isEmpty()) {
            return Map.of();
        }
        final TreeMap<String, String> out = new TreeMap<>(labels ? alerts.getFirst().labels()
            : alerts.getFirst().annotations());
        for (PostableAlert a : alerts) {
            final Map<String, String> m = labels ? a.labels() : a.annotations();
            out.entrySet().removeIf(e -> !e.getValue().equals(m.get(e.getKey())));
        }
        return out;
    }

    /** Alertmanager's label-set text: {@code {a="1", b="2"}}. */
    static String labelsText(Map<String, String> labels) {
        final StringBuilder b = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (!first) {
                b.append(", ");
            }
            first = false;
            b.append(e.getKey()).append("=\"").append(e.getValue().replace("\\", "\\\\").replace("\"", "\\\""))
                .append('"');
        }
        return b.append('}').toString();
    }

    /** Cancels timers. */
    public void close() {
        for (Group g : groups.values()) {
            if (g.timer != null) {
                g.timer.cancel(false);
            }
        }
    }
}
