/** The alert service: Prometheus-compatible rules, alert lifecycle, Alertmanager-style routing and incidents. */
package io.metricstream.alert;
