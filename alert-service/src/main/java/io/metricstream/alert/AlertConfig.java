package io.metricstream.alert;

import io.metricstream.runtime.config.ConfigKey;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.config.ServiceKeys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code alert:} config section. */
public final class AlertConfig {
    /** HTTP port (Prometheus rules/alerts API, Alertmanager silences API, incidents, UI). */
    public static final ConfigKey<Integer> HTTP_PORT = ServiceKeys.httpPort("alert", 9093);
    /** Bind address. */
    public static final ConfigKey<String> BIND_ADDRESS = ServiceKeys.bindAddress("alert");
    /** Rule file globs. */
    public static final ConfigKey<List<String>> RULE_FILES = ConfigKey.key("alert.rule_files").listType()
        .doc("Prometheus rule files (globs; wildcards in the last path element only).");
    /** Alertmanager routing file. */
    public static final ConfigKey<String> ROUTING_FILE = ConfigKey.key("alert.routing_file").stringType()
        .defaultValue("")
        .doc("Alertmanager configuration (route, receivers, inhibit_rules); empty = no notifications.");
    /** Default group evaluation interval. */
    public static final ConfigKey<Long> EVALUATION_INTERVAL_MS = ConfigKey.key("alert.evaluation_interval_ms")
        .longType().defaultValue(1_000L).atLeast(10).unit("ms")
        .doc("Evaluation interval of groups without their own interval (Prometheus defaults to 1m; we default to"
            + " 1s since the platform targets detection in seconds).");
    /** Query service base URL. */
    public static final ConfigKey<String> QUERY_URL = ConfigKey.key("alert.query_url").stringType()
        .defaultValue("http://127.0.0.1:9090").validate(AlertConfig::isHttpUrl, "an http(s) URL")
        .doc("Base URL of the query service's Prometheus API.");
    /** Ingestion base URL for rule output. */
    public static final ConfigKey<String> INGESTION_URL = ConfigKey.key("alert.ingestion_url").stringType()
        .defaultValue("http://127.0.0.1:8080").validate(AlertConfig::isHttpUrl, "an http(s) URL")
        .doc("Base URL of the ingestion service; recording rules and ALERTS series are POSTed to /metrics.");
    /** External labels. */
    public static final ConfigKey<List<String>> EXTERNAL_LABELS = ConfigKey.key("alert.external_labels").listType()
        .validate(AlertConfig::validLabels, "name=value pairs like cluster=eu1")
        .doc("Labels added to every notified alert (name=value), also $externalLabels in templates.");
    /** External URL. */
    public static final ConfigKey<String> EXTERNAL_URL = ConfigKey.key("alert.external_url").stringType()
        .defaultValue("http://127.0.0.1:9093").doc("This service's URL as receivers should see it (externalURL).");
    /** Queue address for data-driven evaluation. */
    public static final ConfigKey<String> QUEUE_ADDRESS = ConfigKey.key("alert.queue_address").stringType()
        .defaultValue("127.0.0.1:7070").doc("Queue binary address (host:port, or local:queue for the queue in this"
            + " process) watched for arriving samples; empty = timer-only evaluation.");
    /** Query timeout. */
    public static final ConfigKey<Long> QUERY_TIMEOUT_MS = ConfigKey.key("alert.query_timeout_ms").longType()
        .defaultValue(10_000L).atLeast(1).unit("ms").doc("Timeout of one rule query.");
    /** Notification timeout. */
    public static final ConfigKey<Long> NOTIFY_TIMEOUT_MS = ConfigKey.key("alert.notify_timeout_ms").longType()
        .defaultValue(10_000L).atLeast(1).unit("ms").doc("Timeout of one notification request.");
    /** Retry back-off start. */
    public static final ConfigKey<Long> RETRY_INITIAL_BACKOFF_MS = ConfigKey.key("alert.retry_initial_backoff_ms")
        .longType().defaultValue(200L).atLeast(1).unit("ms").doc("First retry delay of a failed notification.");
    /** Retry back-off cap. */
    public static final ConfigKey<Long> RETRY_MAX_BACKOFF_MS = ConfigKey.key("alert.retry_max_backoff_ms")
        .longType().defaultValue(30_000L).atLeast(1).unit("ms").doc("Largest retry delay (doubling from the first).");
    /** Give-up age. */
    public static final ConfigKey<Long> RETRY_MAX_AGE_MS = ConfigKey.key("alert.retry_max_age_ms").longType()
        .defaultValue(86_400_000L).atLeast(1_000).unit("ms").doc("A notification not delivered after this is dropped.");
    /** Debounce of data-driven evaluations. */
    public static final ConfigKey<Long> TRIGGER_DEBOUNCE_MS = ConfigKey.key("alert.trigger_debounce_ms").longType()
        .defaultValue(5L).atLeast(0).unit("ms").doc("Arriving samples within this window trigger one evaluation.");
    /** Follow-up evaluation delay. */
    public static final ConfigKey<Long> TRIGGER_FOLLOW_UP_MS = ConfigKey.key("alert.trigger_follow_up_ms").longType()
        .defaultValue(100L).atLeast(0).unit("ms")
        .doc("A second data-driven evaluation this long after the first (storage may lag); 0 = none.");
    /** ALERTS write-back. */
    public static final ConfigKey<Boolean> WRITE_ALERT_SERIES = ConfigKey.key("alert.write_alert_series")
        .booleanType().defaultValue(true).doc("Write ALERTS and ALERTS_FOR_STATE through ingestion.");
    /** SIGHUP reload. */
    public static final ConfigKey<Boolean> RELOAD_ON_SIGHUP = ConfigKey.key("alert.reload_on_sighup").booleanType()
        .defaultValue(true).doc("Reload rules and routing on SIGHUP (only when run by the launcher's main).");

    /** Every key. */
    public static final ConfigTable TABLE = ConfigTable.of(HTTP_PORT, BIND_ADDRESS, RULE_FILES, ROUTING_FILE,
        EVALUATION_INTERVAL_MS, QUERY_URL, INGESTION_URL, EXTERNAL_LABELS, EXTERNAL_URL, QUEUE_ADDRESS,
        QUERY_TIMEOUT_MS, NOTIFY_TIMEOUT_MS, RETRY_INITIAL_BACKOFF_MS, RETRY_MAX_BACKOFF_MS, RETRY_MAX_AGE_MS,
        TRIGGER_DEBOUNCE_MS, TRIGGER_FOLLOW_UP_MS, WRITE_ALERT_SERIES, RELOAD_ON_SIGHUP);

    private AlertConfig() {
    }

    private static boolean isHttpUrl(String s) {
        return s.startsWith("http://") || s.startsWith("https://");
    }

    private static boolean validLabels(List<String> pairs) {
        for (String p : pairs) {
            final int eq = p.indexOf('=');
            if (eq <= 0 || !io.metricstream.contracts.model.MetricNames.isValidLabelName(p.substring(0, eq))) {
                return false;
            }
        }
        return true;
    }

    /** The external labels as a map. */
    public static Map<String, String> externalLabels(List<String> pairs) {
        final Map<String, String> out = new LinkedHashMap<>();
        for (String p : pairs) {
            final int eq = p.indexOf('=');
            out.put(p.substring(0, eq).strip(), p.substring(eq + 1).strip());
        }
        return out;
    }
}
