/** Sparse, memory-mapped offset and time indexes of a log segment. */
package io.metricstream.queue.index;
