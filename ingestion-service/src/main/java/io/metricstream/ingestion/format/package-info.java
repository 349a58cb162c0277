/** Allocation-free parsers of the ingest formats (Influx line protocol, remote write) into staged samples. */
package io.metricstream.ingestion.format;
