/** Topics and their partitions: names, the registry persisted in topics.json, writer threads. */
package io.metricstream.queue.topic;
