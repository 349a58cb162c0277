/** The Disruptor ring between the HTTP event loops (producers) and the partition batcher (single consumer). */
package io.metricstream.ingestion.ring;
