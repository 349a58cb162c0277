/** The queue protocol: produce, fetch, offsets, consumer groups, topics, and its client. */
package io.metricstream.contracts.queue;
