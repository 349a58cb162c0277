package io.metricstream.alert;

import io.metricstream.alert.api.AlertApi;
import io.metricstream.alert.eval.InboundWatcher;
import io.metricstream.alert.eval.IngestionWriter;
import io.metricstream.alert.eval.QueryClient;
import io.metricstream.alert.eval.RuleEngine;
import io.metricstream.alert.incident.IncidentManager;
import io.metricstream.alert.notify.Grouper;
import io.metricstream.alert.notify.NotificationLog;
import io.metricstream.alert.notify.RetryQueue;
import io.metricstream.alert.notify.RoutingConfig;
import io.metricstream.alert.notify.RoutingLoader;
import io.metricstream.alert.notify.Silences;
import io.metricstream.alert.rule.RuleLoader;
import io.metricstream.alert.rule.RuleSet;
import io.metricstream.alert.state.Persister;
import io.metricstream.alert.state.StateStore;
import io.metricstream.contracts.client.ServerAddress;
import io.metricstream.runtime.config.Config;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.lifecycle.Service;
import io.metricstream.runtime.lifecycle.ServiceHost;
import io.metricstream.runtime.metrics.MetricsRegistry;
import java.lang.reflect.Proxy;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert service: loads Prometheus rule files and an Alertmanager routing file, evaluates rules through the
 * query service (on timers and on arriving data), keeps alert state, routes notifications and runs incidents.
 * All mutable state is owned by one engine thread ({@code alert-engine}); HTTP handlers and the queue watcher hop
 * onto it. Files in the data directory: {@code alerts.json}, {@code nflog.json}, {@code silences.json},
 * {@code incidents.json}, {@code outbox/*.json} (see README).
 */
public final class AlertService implements Service {
    private static final Logger LOG = LoggerFactory.getLogger(AlertService.class);

    private ScheduledThreadPoolExecutor engine;
    private RuleEngine rules;
    private Grouper grouper;
    private RetryQueue outbox;
    private Persister persister;
    private InboundWatcher watcher;
    private Config cfg;
    private volatile boolean loaded;

    @Override
    public String name() {
        return "alert";
    }

    @Override
    public ConfigTable configTable() {
        return AlertConfig.TABLE;
    }

    @Override
    public void start(ServiceHost host) throws Exception {
        cfg = host.config();
        final Path dataDir = host.dataDir();
        engine = new ScheduledThreadPoolExecutor(1, r -> {
            final Thread t = new Thread(r, "alert-engine");
            t.setDaemon(true);
            return t;
        });
        engine.setRemoveOnCancelPolicy(true);
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
        final Map<String, String> external = AlertConfig.externalLabels(cfg.get(AlertConfig.EXTERNAL_LABELS));
        persister = Persister.background("alert-persist");
        final Silences silences = new Silences(dataDir.resolve("silences.json"), persister);
        silences.load();
        final NotificationLog nflog = new NotificationLog(dataDir.resolve("nflog.json"), persister);
        nflog.load();
        final AtomicReference<Grouper> grouperRef = new AtomicReference<>();
        final IncidentManager incidents = new IncidentManager(dataDir.resolve("incidents.json"), persister,
            (receiver, key, now) -> grouperRef.get().escalate(receiver, key, now));
        incidents.load();
        outbox = new RetryQueue(dataDir.resolve("outbox"), persister, http, engine,
            cfg.get(AlertConfig.NOTIFY_TIMEOUT_MS),
            cfg.get(AlertConfig.RETRY_INITIAL_BACKOFF_MS), cfg.get(AlertConfig.RETRY_MAX_BACKOFF_MS),
            cfg.get(AlertConfig.RETRY_MAX_AGE_MS));
        grouper = new Grouper(engine, outbox, nflog, silences, incidents, cfg.get(AlertConfig.EXTERNAL_URL),
            System::currentTimeMillis);
        grouperRef.set(grouper);
        rules = new RuleEngine(engine, new QueryClient(http, cfg.get(AlertConfig.QUERY_URL),
            cfg.get(AlertConfig.QUERY_TIMEOUT_MS)), new IngestionWriter(http, cfg.get(AlertConfig.INGESTION_URL),
            cfg.get(AlertConfig.QUERY_TIMEOUT_MS)), new StateStore(dataDir, persister), grouper, external,
            cfg.get(AlertConfig.EVALUATION_INTERVAL_MS), cfg.get(AlertConfig.TRIGGER_DEBOUNCE_MS),
            cfg.get(AlertConfig.TRIGGER_FOLLOW_UP_MS), cfg.get(AlertConfig.WRITE_ALERT_SERIES),
            cfg.get(AlertConfig.QUERY_URL), System::currentTimeMillis);
        final List<String> problems = onEngine(this::reloadNow);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("alert configuration is invalid:\n  " + String.join("\n  ", problems));
        }
        final int recovered = onEngine(outbox::recover);
        if (recovered > 0) {
            LOG.info("re-sending {} undelivered notifications from {}", recovered, dataDir.resolve("outbox"));
        }
        engine.scheduleAtFixedRate(() -> incidents.tick(System.currentTimeMillis()), 1, 1, TimeUnit.SECONDS);
        final AlertApi api = new AlertApi(engine, rules, grouper, silences, incidents, this::reloadNow,
            System::currentTimeMillis);
        host.http(AlertConfig.HTTP_PORT, api::register);
        registerMetrics(host.metrics());
        host.readyWhen("rules loaded", () -> loaded);
        startWatcher(host);
        if (cfg.get(AlertConfig.RELOAD_ON_SIGHUP)) {
            installSighup();
        }
    }

    private void registerMetrics(MetricsRegistry m) {
        m.counterFunction("alert_rule_evaluations_total", "Rules evaluated.", rules::rulesEvaluated);
        m.counterFunction("alert_rule_evaluation_failures_total", "Rule evaluations that failed.", rules::ruleFailures);
        m.counterFunction("alert_group_evaluations_total", "Group evaluations.", rules::groupEvaluations);
        m.counterFunction("alert_direct_observations_total", "Samples checked directly against threshold rules.",
            rules::directObservations);
        m.counterFunction("alert_notifications_delivered_total", "Notifications acknowledged by receivers.",
            outbox::delivered);
        m.counterFunction("alert_notifications_failed_attempts_total", "Failed notification attempts.",
            outbox::failedAttempts);
        m.counterFunction("alert_notifications_dropped_total", "Notifications dropped (permanent error, too old).",
            outbox::dropped);
        m.gauge("alert_notifications_pending", "Notifications waiting for acknowledgement.", outbox::pending);
    }

    private void startWatcher(ServiceHost host) {
        final String address = cfg.get(AlertConfig.QUEUE_ADDRESS).strip();
        if (address.isEmpty()) {
            return;
        }
        final String problem = ServerAddress.problem(address);
        if (problem != null) {
            throw new IllegalStateException("alert.queue_address: got \"" + address + "\"; " + problem);
        }
        watcher = new InboundWatcher(address, host.clientGroup(address), "metrics.inbound", "alert", engine,
            rules::interestedHash, rules::onSample);
        watcher.start();
    }

    /**
     * Reloads rule files and the routing file; an invalid new config leaves the old one in force.
     *
     * @return the problems that prevented the reload (empty = reloaded)
     */
    public List<String> reload() throws Exception {
        return onEngine(this::reloadNow);
    }

    private List<String> reloadNow() {
        final RuleSet set = RuleLoader.load(cfg.get(AlertConfig.RULE_FILES));
        final String routingFile = cfg.get(AlertConfig.ROUTING_FILE);
        final RoutingConfig routing = routingFile.isBlank() ? RoutingConfig.empty()
            : RoutingLoader.load(Path.of(routingFile));
        final List<String> problems = new ArrayList<>(set.problems());
        problems.addAll(routing.problems());
        if (!problems.isEmpty()) {
            LOG.warn("reload rejected, keeping the previous rules and routing:\n  {}", String.join("\n  ", problems));
            return problems;
        }
        routing.warnings().forEach(w -> LOG.warn("{}", w));
        grouper.configure(routing);
        rules.apply(set);
        loaded = true;
        LOG.info("loaded {} rule groups from {} files; routing {}", set.groups().size(), set.files().size(),
            routingFile.isBlank() ? "(none)" : routingFile);
        return List.of();
    }

    private <T> T onEngine(Callable<T> task) throws Exception {
        final Future<T> f = engine.submit(task);
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        } catch (TimeoutException e) {
            f.cancel(false);
            throw e;
        }
    }

    private void installSighup() {
        final String cmd = System.getProperty("sun.java.command", "");
        final String main = cmd.split(" ", 2)[0];
        if (!main.startsWith("io.metricstream.launcher.") && !main.matches(".*launcher[^/]*\\.jar")) {
            return;
        }
        try {
            final Class<?> signal = Class.forName("sun.misc.Signal");
            final Class<?> handler = Class.forName("sun.misc.SignalHandler");
            final Object hup = signal.getConstructor(String.class).newInstance("HUP");
            final Object h = Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler},
                (proxy, method, args) -> switch (method.getName()) {
                    case "handle" -> {
                        engine.execute(this::reloadNow);
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> "alert-sighup-reload";
                });
            signal.getMethod("handle", signal, handler).invoke(null, hup, h);
            LOG.info("SIGHUP reloads rules and routing");
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("cannot install the SIGHUP handler (use POST /-/reload): {}", e.toString());
        }
    }

    /** The rule engine (tests and benchmarks). */
    public RuleEngine ruleEngine() {
        return rules;
    }

    /** The outbox (tests and benchmarks). */
    public RetryQueue outbox() {
        return outbox;
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        if (engine == null) {
            return;
        }
        try {
            engine.submit(() -> {
                rules.close();
                rules.saveNow();
                grouper.close();
            }).get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("alert engine did not stop cleanly: {}", e.toString());
        }
        outbox.close();
        engine.shutdownNow();
        persister.close();
    }
}
