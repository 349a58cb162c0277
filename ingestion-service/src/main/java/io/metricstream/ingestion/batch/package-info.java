/** Record batches per partition, produce to the queue, acks back to requests, and the in-flight byte budget. */
package io.metricstream.ingestion.batch;
