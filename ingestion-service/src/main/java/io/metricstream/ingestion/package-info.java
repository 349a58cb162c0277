/** The ingestion service: HTTP ingest of JSON, Influx line protocol and Prometheus remote write into the queue. */
package io.metricstream.ingestion;
