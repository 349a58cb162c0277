/** Prometheus-compatible HTTP API (query, query_range, series, labels, admin) and its JSON shapes. */
package io.metricstream.query.api;
