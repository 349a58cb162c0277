/** Consumes topic metrics.inbound in consumer group "storage": membership, fetch, apply, checkpoint, commit. */
package io.metricstream.storage.consume;
