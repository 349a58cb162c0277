/** Offline tools: the segment and index inspector behind {@code metricstream inspect segment}. */
package io.metricstream.queue.tool;
