/** Request bodies: seed JSON, Influx line protocol, Prometheus text, remote write, queue record batches. */
package io.metricstream.loadgen.encode;
