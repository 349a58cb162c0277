/** The queue service: wiring ({@link io.metricstream.queue.QueueService}) and configuration. */
package io.metricstream.queue;
