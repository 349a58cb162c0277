/** When produced batches become durable and acknowledged: fsync policies and group commit. */
package io.metricstream.queue.flush;
