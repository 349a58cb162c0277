/** HTTP API: Prometheus rules/alerts, Alertmanager v2 silences, incidents, reload and the static UI. */
package io.metricstream.alert.api;
