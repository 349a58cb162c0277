/** Counters, gauges and HdrHistogram latency summaries, exported in the Prometheus text format 0.0.4. */
package io.metricstream.runtime.metrics;
