package io.metricstream.alert.eval;

import io.metricstream.alert.notify.Grouper;
import io.metricstream.alert.notify.PostableAlert;
import io.metricstream.alert.rule.AlertingRule;
import io.metricstream.alert.rule.RecordingRule;
import io.metricstream.alert.rule.Rule;
import io.metricstream.alert.rule.RuleGroup;
import io.metricstream.alert.rule.RuleSet;
import io.metricstream.alert.rule.SimpleThreshold;
import io.metricstream.alert.state.Alert;
import io.metricstream.alert.state.AlertState;
import io.metricstream.alert.state.AlertStateMachine;
import io.metricstream.alert.state.Fingerprints;
import io.metricstream.alert.state.ResultSeries;
import io.metricstream.alert.state.StateStore;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.StaleMarker;
import io.metricstream.runtime.logging.DistinctErrorLog;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.LoggerFactory;

/**
 * Evaluates rule groups: every group on its own timer ({@code interval}, default {@code evaluation_interval_ms}),
 * and also on data — when a sample of a metric a group's expressions select arrives
 * ({@link #onSample}), the group is evaluated {@code debounceMs} later (coalescing a burst) and once more
 * {@code followUpMs} later, in case storage had not applied the sample yet. Alerting rules that are simple
 * thresholds ({@code metric{…} > 100}) are also evaluated directly against the arriving sample, so a breach
 * fires without waiting for storage and a query (see {@link AlertStateMachine#observe}).
 * Queries of a group run concurrently; results are applied in rule order. Rule output (recording rules,
 * {@code ALERTS}, {@code ALERTS_FOR_STATE}) is written back through ingestion; alerts go to the {@link Grouper};
 * state is persisted (coalesced, after notification work) when it changed.
 * Thread-safety: everything runs on the single engine thread except {@link #onSample}, which hops onto it.
 */
public final class RuleEngine {
    private static final long LOOKBACK_MS = 5 * 60_000L;

    private final ScheduledExecutorService engine;
    private final QueryClient query;
    private final IngestionWriter ingestion;
    private final StateStore store;
    private final Grouper grouper;
    private final Map<String, String> externalLabels;
    private final long defaultIntervalMs;
    private final long debounceMs;
    private final long followUpMs;
    private final boolean writeAlertSeries;
    private final String generatorBase;
    private final LongSupplier clock;
    private final DistinctErrorLog errors = new DistinctErrorLog(LoggerFactory.getLogger(RuleEngine.class),
        Duration.ofSeconds(30));
    private final AtomicLong rulesEvaluated = new AtomicLong();
    private final AtomicLong groupEvaluations = new AtomicLong();
    private final AtomicLong ruleFailures = new AtomicLong();
    private final AtomicLong directObservations = new AtomicLong();

    // engine thread only
    private final List<GroupRun> groups = new ArrayList<>();
    private final Map<String, List<GroupRun>> groupsByMetric = new HashMap<>();
    private final Map<String, List<RuleRun>> thresholdsByMetric = new HashMap<>();
    private volatile Set<String> metrics = Set.of();
    private volatile org.agrona.collections.LongHashSet metricHashes = new org.agrona.collections.LongHashSet();
    private long savedSignature;
    private boolean saveScheduled;
    private boolean restored;

    /** One rule's evaluation state. */
    public static final class RuleRun {
        final Rule rule;
        final String key;
        final AlertStateMachine machine;
        String health = "unknown";
        String lastError = "";
        long lastEvalMs;
        double evalSeconds;

        RuleRun(Rule rule, String key, AlertStateMachine machine) {
            this.rule = rule;
            this.key = key;
            this.machine = machine;
        }

        /** The rule. */
        public Rule rule() {
            return rule;
        }

        /** The alert state (null for recording rules). */
        public AlertStateMachine machine() {
            return machine;
        }

        /** "ok", "err" or "unknown". */
        public String health() {
            return health;
        }

        /** The last error, or "". */
        public String lastError() {
            return lastError;
        }

        /** When it was last evaluated (0 = never). */
        public long lastEvalMs() {
            return lastEvalMs;
        }

        /** How long the last evaluation took. */
        public double evalSeconds() {
            return evalSeconds;
        }
    }

    /** One group's evaluation state. */
    public static final class GroupRun {
        final RuleGroup group;
        final long intervalMs;
        final List<RuleRun> rules;
        ScheduledFuture<?> timer;
        ScheduledFuture<?> trigger;
        ScheduledFuture<?> followUp;
        boolean running;
        boolean again;
        boolean retired;
        long lastEvalMs;
        double evalSeconds;

        GroupRun(RuleGroup group, long intervalMs, List<RuleRun> rules) {
            this.group = group;
            this.intervalMs = intervalMs;
            this.rules = rules;
        }

        /** The group. */
        public RuleGroup group() {
            return group;
        }

        /** The effective interval. */
        public long intervalMs() {
            return intervalMs;
        }

        /** The rules. */
        public List<RuleRun> rules() {
            return rules;
        }

        /** When it was last evaluated (0 = never). */
        public long lastEvalMs() {
            return lastEvalMs;
        }

        /** How long the last evaluation took. */
        public double evalSeconds() {
            return evalSeconds;
        }
    }

    /** An engine; call {@link #apply} on the engine executor to load rules. */
    public RuleEngine(ScheduledExecutorService engine, QueryClient query, IngestionWriter ingestion, StateStore store,
                      Grouper grouper, Map<String, String> externalLabels, long defaultIntervalMs, long debounceMs,
                      long followUpMs, boolean writeAlertSeries, String generatorBase, LongSupplier clock) {
        this.engine = engine;
        this.query = query;
        this.ingestion = ingestion;
        this.store = store;
        this.grouper = grouper;
        this.externalLabels = Map.copyOf(externalLabels);
        this.defaultIntervalMs = defaultIntervalMs;
        this.debounceMs = debounceMs;
        this.followUpMs = followUpMs;
        this.writeAlertSeries = writeAlertSeries;
        this.generatorBase = generatorBase;
        this.clock = clock;
    }

    /** Replaces the rules with the (valid) {@code set}, keeping alert state of rules with the same key. */
    public void apply(RuleSet set) {
        final Map<String, AlertStateMachine> old = new HashMap<>();
        for (GroupRun g : groups) {
            retire(g);
            for (RuleRun r : g.rules) {
                if (r.machine != null) {
                    old.put(r.key, r.machine);
                }
            }
        }
        groups.clear();
        groupsByMetric.clear();
        thresholdsByMetric.clear();
        final Set<String> names = new java.util.HashSet<>();
        for (RuleGroup rg : set.groups()) {
            final List<RuleRun> runs = new ArrayList<>();
            for (int i = 0; i < rg.rules().size(); i++) {
                final Rule rule = rg.rules().get(i);
                final String key = rg.key() + ";" + rule.name() + ";" + i;
                AlertStateMachine m = null;
                if (rule instanceof AlertingRule ar) {
                    m = new AlertStateMachine(ar, externalLabels);
                    final AlertStateMachine prev = old.get(key);
                    if (prev != null) {
                        m.copyFrom(prev);
                    }
                    if (ar.threshold() != null) {
                        thresholdsByMetric.computeIfAbsent(ar.threshold().metric(), k -> new ArrayList<>());
                    }
                }
                runs.add(new RuleRun(rule, key, m));
            }
            final GroupRun g = new GroupRun(rg, rg.intervalMs() > 0 ? rg.intervalMs() : defaultIntervalMs,
                List.copyOf(runs));
            groups.add(g);
            for (RuleRun r : runs) {
                for (String metric : r.rule.metricNames()) {
                    names.add(metric);
                    final List<GroupRun> gs = groupsByMetric.computeIfAbsent(metric, k -> new ArrayList<>());
                    if (!gs.contains(g)) {
                        gs.add(g);
                    }
                }
                if (r.rule instanceof AlertingRule ar && ar.threshold() != null) {
                    thresholdsByMetric.get(ar.threshold().metric()).add(r);
                }
            }
        }
        metrics = Set.copyOf(names);
        final org.agrona.collections.LongHashSet hashes = new org.agrona.collections.LongHashSet();
        names.forEach(n -> hashes.add(InboundScanner.nameHash(n)));
        metricHashes = hashes;
        if (!restored) {
            restored = true;
            restore();
        }
        for (GroupRun g : groups) {
            g.timer = engine.scheduleAtFixedRate(() -> evaluate(g), 0, g.intervalMs, TimeUnit.MILLISECONDS);
        }
    }

    private void restore() {
        try {
            final int n = store.restore(machines());
            if (n > 0) {
                LoggerFactory.getLogger(RuleEngine.class).info("restored {} alerts from {}", n, store.file());
            }
            savedSignature = signature();
        } catch (IOException | RuntimeException e) {
            errors.error("restore", "cannot restore alert state from " + store.file() + "; starting empty: "
                + e.getMessage(), null);
        }
    }

    private void retire(GroupRun g) {
        g.retired = true;
        for (ScheduledFuture<?> f : new ScheduledFuture<?>[] {g.timer, g.trigger, g.followUp}) {
            if (f != null) {
                f.cancel(false);
            }
        }
    }

    /** Every alerting rule's machine by rule key. */
    Map<String, AlertStateMachine> machines() {
        final Map<String, AlertStateMachine> out = new LinkedHashMap<>();
        for (GroupRun g : groups) {
            for (RuleRun r : g.rules) {
                if (r.machine != null) {
                    out.put(r.key, r.machine);
                }
            }
        }
        return out;
    }

    /** The groups (engine thread only). */
    public List<GroupRun> groups() {
        return groups;
    }

    /** True when {@code metricName} is selected by some rule (any thread). */
    public boolean interested(String metricName) {
        return metrics.contains(metricName);
    }

    /** True when a metric whose name hashes to {@code nameHash} may be selected by some rule (any thread). */
    public boolean interestedHash(long nameHash) {
        return metricHashes.contains(nameHash);
    }

    /** The metric names selected by rules (any thread). */
    public Set<String> metricNames() {
        return metrics;
    }

    /**
     * An arriving sample of a metric some rule selects (any thread): direct threshold evaluation, then a debounced
     * evaluation of the groups that select it.
     */
    public void onSample(LabelSet labels, long timestampMs, double value) {
        engine.execute(() -> direct(labels, timestampMs, value));
    }

    private void direct(LabelSet labels, long timestampMs, double value) {
        final String metric = labels.metricName();
        final long now = clock.getAsLong();
        final List<RuleRun> thresholds = thresholdsByMetric.get(metric);
        if (thresholds != null && !StaleMarker.isStale(value) && timestampMs > now - LOOKBACK_MS) {
            Map<String, String> map = null;
            for (RuleRun r : thresholds) {
                final SimpleThreshold t = ((AlertingRule) r.rule).threshold();
                if (map == null) {
                    map = labels.toMap();
                }
                if (!t.selects(map)) {
                    continue;
                }
                directObservations.incrementAndGet();
                final Alert a = r.machine.observe(new ResultSeries(map, value), t.breaches(value), now);
                if (a != null && a.state() == AlertState.FIRING) {
                    grouper.put(postable(r, a), now);
                }
            }
            scheduleSave();
        }
        final List<GroupRun> gs = groupsByMetric.get(metric);
        if (gs != null) {
            for (GroupRun g : gs) {
                trigger(g);
            }
        }
    }

    private void trigger(GroupRun g) {
        if (g.trigger == null || g.trigger.isDone()) {
            g.trigger = engine.schedule(() -> evaluate(g), debounceMs, TimeUnit.MILLISECONDS);
        }
        if (followUpMs > 0 && (g.followUp == null || g.followUp.isDone())) {
            g.followUp = engine.schedule(() -> evaluate(g), followUpMs, TimeUnit.MILLISECONDS);
        }
    }

    /** Evaluates {@code g} now (engine thread); a request while it runs re-runs it once after. */
    public void evaluate(GroupRun g) {
        if (g.retired) {
            return;
        }
        if (g.running) {
            g.again = true;
            return;
        }
        g.running = true;
        final long ts = clock.getAsLong();
        final long t0 = System.nanoTime();
        final List<CompletableFuture<QueryResult>> results = new ArrayList<>(g.rules.size());
        for (RuleRun r : g.rules) {
            results.add(query.query(r.rule.expr(), ts));
        }
        CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0]))
            .whenCompleteAsync((v, e) -> finish(g, results, ts, t0), engine);
    }

    private void finish(GroupRun g, List<CompletableFuture<QueryResult>> results, long ts, long t0) {
        g.running = false;
        if (g.retired) {
            return;
        }
        groupEvaluations.incrementAndGet();
        final IngestionWriter.Batch out = new IngestionWriter.Batch();
        for (int i = 0; i < g.rules.size(); i++) {
            final RuleRun r = g.rules.get(i);
            final QueryResult res = results.get(i).join();
            rulesEvaluated.incrementAndGet();
            r.lastEvalMs = ts;
            r.evalSeconds = (System.nanoTime() - t0) / 1e9;
            String error = res.error();
            if (error == null) {
                error = r.machine != null ? r.machine.evaluate(res.series(), ts, g.group.limit(),
                    Math.max(2 * g.intervalMs, 5_000)) : record((RecordingRule) r.rule, res.series(), g, ts, out);
            }
            if (error != null) {
                ruleFailures.incrementAndGet();
                r.health = "err";
                r.lastError = error;
                // keyed by the error text: one failing query service logs one line per interval, not one per rule
                errors.error("rule-" + error.substring(0, Math.min(error.length(), 80)), "rule " + r.rule.name()
                    + " (group " + g.group.name() + ", " + g.group.file() + ":" + r.rule.line() + "): " + error, null);
            } else {
                r.health = "ok";
                r.lastError = "";
            }
            if (r.machine != null) {
                publish(r, ts, out);
            }
        }
        g.lastEvalMs = ts;
        g.evalSeconds = (System.nanoTime() - t0) / 1e9;
        if (!out.isEmpty()) {
            ingestion.write(out);
        }
        scheduleSave();
        if (g.again) {
            g.again = false;
            evaluate(g);
        }
    }

    private String record(RecordingRule rule, List<ResultSeries> series, GroupRun g, long ts,
                          IngestionWriter.Batch out) {
        if (g.group.limit() > 0 && series.size() > g.group.limit()) {
            return "exceeded limit of " + g.group.limit() + " with " + series.size() + " series";
        }
        for (ResultSeries s : series) {
            final Map<String, String> labels = new TreeMap<>(s.labels());
            labels.putAll(rule.labels());
            out.add(rule.name(), labels, ts, s.value());
        }
        return null;
    }

    private void publish(RuleRun r, long ts, IngestionWriter.Batch out) {
        for (Alert a : r.machine.alerts()) {
            if (a.state() == AlertState.FIRING) {
                grouper.put(postable(r, a), ts);
            } else if (a.state() == AlertState.INACTIVE && a.resolvedAtMs() > 0 && !a.resolvedSent()) {
                grouper.put(postable(r, a), ts);
                a.markResolvedSent();
            }
            if (writeAlertSeries && a.state() != AlertState.INACTIVE) {
                final Map<String, String> l = new TreeMap<>(a.labels());
                l.put("alertstate", a.state().apiName());
                out.add("ALERTS", l, ts, 1);
                out.add("ALERTS_FOR_STATE", a.labels(), ts, a.activeAtMs() / 1000.0);
            }
        }
    }

    private PostableAlert postable(RuleRun r, Alert a) {
        final Map<String, String> labels = new TreeMap<>(externalLabels);
        labels.putAll(a.labels());
        return new PostableAlert(Fingerprints.hex(Fingerprints.of(labels)), labels, a.annotations(),
            a.firedAtMs() > 0 ? a.firedAtMs() : a.activeAtMs(),
            a.state() == AlertState.FIRING ? 0 : Math.max(1, a.resolvedAtMs()),
            generatorBase + "/graph?g0.expr=" + URLEncoder.encode(r.rule.expr(), StandardCharsets.UTF_8)
                + "&g0.tab=1");
    }

    private void scheduleSave() {
        if (!saveScheduled) {
            saveScheduled = true;
            engine.execute(this::saveIfChanged);
        }
    }

    private void saveIfChanged() {
        saveScheduled = false;
        final long sig = signature();
        if (sig == savedSignature) {
            return;
        }
        try {
            store.save(machines());
            savedSignature = sig;
        } catch (IOException e) {
            errors.error("save", "cannot persist alert state to " + store.file() + ": " + e.getMessage(), null);
        }
    }

    private long signature() {
        long h = 17;
        for (AlertStateMachine m : machines().values()) {
            for (Alert a : m.alerts()) {
                h = 31 * h + a.fingerprint();
                h = 31 * h + a.state().ordinal();
                h = 31 * h + a.activeAtMs();
                h = 31 * h + a.resolvedAtMs();
                h = 31 * h + a.keepFiringSinceMs();
                h = 31 * h + (a.resolvedSent() ? 1 : 0);
            }
            h = 31 * h + m.size();
        }
        return h;
    }

    /** Forces a save now (shutdown). */
    public void saveNow() {
        saveIfChanged();
    }

    /** Stops timers. */
    public void close() {
        groups.forEach(this::retire);
    }

    /** Rules evaluated so far. */
    public long rulesEvaluated() {
        return rulesEvaluated.get();
    }

    /** Group evaluations so far. */
    public long groupEvaluations() {
        return groupEvaluations.get();
    }

    /** Rule evaluations that failed. */
    public long ruleFailures() {
        return ruleFailures.get();
    }

    /** Samples evaluated directly against simple thresholds. */
    public long directObservations() {
        return directObservations.get();
    }
}
