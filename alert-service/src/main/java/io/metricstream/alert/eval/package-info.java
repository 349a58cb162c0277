/** Rule evaluation through the query service's Prometheus API, write-back through ingestion, data-driven triggers. */
package io.metricstream.alert.eval;
