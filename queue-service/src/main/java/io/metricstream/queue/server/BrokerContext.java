package io.metricstream.queue.server;

import io.metricstream.runtime.flow.InFlightBudget;
import io.metricstream.queue.group.CommittedOffsets;
import io.metricstream.queue.group.GroupCoordinator;
import io.metricstream.queue.topic.TopicRegistry;
import io.metricstream.runtime.metrics.Counter;
import io.metricstream.runtime.metrics.CounterFamily;
import io.metricstream.runtime.metrics.LatencyRecorder;
import java.util.concurrent.Executor;

/**
 * What the binary and HTTP front ends share. Immutable; every part is thread-safe.
 *
 * @param topics topics and partitions
 * @param groups consumer groups
 * @param offsets committed offsets
 * @param inFlight produce byte budget
 * @param produceLatency receive-to-ack latency of produces
 * @param fetchBytes bytes answered by fetches
 * @param failed rejected requests by api and error
 * @param blocking executor for rare blocking work (topic creation)
 * @param maxFetchWaitMs bound on a long-poll
 * @param maxFetchBytes bound on a fetch answer's records
 */
public record BrokerContext(TopicRegistry topics, GroupCoordinator groups, CommittedOffsets offsets,
                            InFlightBudget inFlight, LatencyRecorder produceLatency, Counter fetchBytes,
                            CounterFamily failed, Executor blocking, int maxFetchWaitMs, int maxFetchBytes) {
}
