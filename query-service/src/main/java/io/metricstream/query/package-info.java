/** The query service: PromQL engine, Prometheus-compatible HTTP API and web UI, fanned out over storage. */
package io.metricstream.query;
